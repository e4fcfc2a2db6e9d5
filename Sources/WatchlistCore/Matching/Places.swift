import Foundation

/// Names of countries and regions, in English, from ICU's locale data (through Foundation):
/// a group company is often named "<core> <country>" (Yamaha Canada Music Ltd., Fuji America
/// Corporation, Kuriyama of America).
enum Places {
    static let regions: Set<String> = {
        let english = Locale(identifier: "en_US")
        var names: Set<String> = [
            "america", "americas", "europe", "asia", "africa", "pacific", "oceania", "emea", "apac",
            "usa", "u.s.a", "u.s", "us", "uk", "u.k", "international", "global", "latin", "nordic",
            "middle", "north", "south", "east", "west", "central",
        ]
        for region in Locale.Region.isoRegions where region.identifier.count == 2 {
            guard let name = english.localizedString(forRegionCode: region.identifier) else { continue }
            // One word per name is enough: "United" of United Kingdom/States, "Hong" of Hong Kong.
            if let first = name.lowercased().split(whereSeparator: { !$0.isLetter }).first {
                names.insert(String(first))
            }
        }
        names.subtract(["the", "saint", "st"])
        return names
    }()

    /// Whether the word starting at folded scalar `i` names a country or region.
    static func startsWithRegion(at i: Int, in text: NormalizedText) -> Bool {
        guard i < text.count, text.classes[i] == .word else { return false }
        var e = i + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        let word = String(decoding: text.utf8[Int(text.starts[i])..<Int(text.ends[e - 1])], as: UTF8.self)
        return regions.contains(word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")))
    }
}
