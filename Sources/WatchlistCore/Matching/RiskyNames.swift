/// Warnings `watchlistd check` prints about names that will match more than the analyst
/// meant: very short CJK names, 1–3 letter Latin acronyms, common English words, names
/// that are only a legal form. Each says what to do instead.
public enum RiskyNames {
    /// Warnings for one watchlist, as `FILE:LINE: warning: …` diagnostics. They name the
    /// same cases the matcher treats as weak (`Matcher.isWeak`), so what `check` warns about
    /// is what needs evidence in a listing.
    public static func warnings(for watchlist: Watchlist, normalizer: Normalizer = Normalizer()) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for entity in watchlist.entities {
            for name in entity.names where name.relation != .domain {
                let folded = normalizer.normalize(name.value)
                let cjk = folded.classes.filter { $0 == .cjk }.count
                let letters = folded.classes.filter { $0 == .word }.count
                func warn(_ message: String) {
                    result.append(
                        Diagnostic(file: watchlist.file, line: name.line, message: message, severity: .warning)
                    )
                }
                // Registry exports carry escaped characters ("&#20870;星科技股份有限公司"): listings
                // are read decoded, so the name as written would never match.
                if let decoded = EntityDecoded(name.value) {
                    warn(
                        "`\(name.value)` contains an HTML character reference; listings are read decoded, so write it as `\(decoded.text)`"
                    )
                }
                let core = LegalForms.core(of: folded)
                if folded.count == 0 {
                    warn("`\(name.value)` has no letters or characters left to match after folding; remove it")
                } else if core == nil, LegalForms.formStarts(at: 0, in: folded),
                    LegalForms.folded.suffixes.contains(where: { $0.scalars == folded.scalars })
                {
                    warn(
                        "`\(name.value)` is only a legal form and would match every company that has it; write the company's name"
                    )
                } else if cjk > 0 && letters == 0 && cjk <= 2 {
                    warn(
                        "`\(name.value)` is a very short CJK name (\(cjk) character\(cjk == 1 ? "" : "s")): it also stands inside longer words; watchlistd checks word boundaries, but prefer the full name or add `exclude:` lines for the words it appears in"
                    )
                } else if cjk == 0 && letters <= 3 {
                    warn(
                        "`\(name.value)` is a 1–3 letter acronym: it counts only written exactly so (case) in a title, or beside another name or domain of the entity; prefer the full name with its legal form, add the domain, or add `exclude:` lines for the false hits you see"
                    )
                } else if Matcher.isWeak(folded, 0..<folded.count), cjk > 0 {
                    warn(
                        "`\(name.value)` is an everyday Chinese or Japanese word: it counts only introduced as the victim (受害单位：…, 対象：…), with its legal form, or beside another name or domain of the entity; write the full registered name, add the domain, or add `exclude:` lines"
                    )
                } else if Matcher.isWeak(folded, 0..<folded.count) {
                    warn(
                        "`\(name.value)` is an everyday English word or phrase: it counts only written exactly so (case) in a title, or beside another name or domain of the entity; write the full name with its legal form (\(name.value) Corporation, …), add the domain, or add `exclude:` lines"
                    )
                } else if let core, Matcher.isWeak(folded, core, core: true) {
                    let bare = folded.original(core)
                    let cjkCore = folded.classes[core].allSatisfy { $0 == .cjk }
                    let kind =
                        cjkCore
                        ? "an everyday Chinese or Japanese word"
                        : core.count <= 3 ? "a 1–3 letter acronym" : "an everyday English word"
                    let counts =
                        cjkCore
                        ? "introduced as the victim (受害单位：…, 対象：…)"
                        : "written exactly so (case) in a title"
                    warn(
                        "`\(name.value)` without its legal form is `\(bare)`, \(kind): the bare word counts only \(counts), or beside another name or domain of the entity; the full name always counts. Add the domain or a distinctive alias so that listings naming only `\(bare)` are corroborated, or `exclude:` lines for the false hits you see"
                    )
                }
            }
        }
        return result
    }

    /// How often each name would have fired on a set of listings, worst first: for
    /// `check --stats`, before a bulk watchlist goes live.
    public struct Firing: Sendable {
        public var customer: String
        public var entity: String
        public var name: String
        public var file: String
        public var line: Int
        /// Listings it would alert on (score at the threshold or above), and how many of those in the body only.
        public var hits: Int
        public var bodyOnly: Int
        /// Listings where it was refused (below the threshold), as near misses.
        public var refused: Int
        public var examples: [String]
    }

    public static func firings(
        matcher: Matcher,
        listings: [(title: String, body: String)],
        threshold: Double
    ) -> [Firing] {
        var table: [String: Firing] = [:]
        for listing in listings {
            var seen = Set<String>()
            for hit in matcher.candidates(title: listing.title, body: listing.body) {
                let key = "\(hit.customer)\u{0}\(hit.entity)\u{0}\(hit.name)"
                guard seen.insert(key).inserted else { continue }
                var firing =
                    table[key]
                    ?? Firing(
                        customer: hit.customer,
                        entity: hit.entity,
                        name: hit.name,
                        file: hit.file,
                        line: hit.line,
                        hits: 0,
                        bodyOnly: 0,
                        refused: 0,
                        examples: []
                    )
                if hit.score >= threshold {
                    firing.hits += 1
                    if hit.field == .body { firing.bodyOnly += 1 }
                    if firing.examples.count < 3 { firing.examples.append(String(listing.title.prefix(100))) }
                } else {
                    firing.refused += 1
                }
                table[key] = firing
            }
        }
        return table.values.sorted { a, b in
            a.hits != b.hits
                ? a.hits > b.hits
                : a.refused != b.refused ? a.refused > b.refused : (a.customer, a.name) < (b.customer, b.name)
        }
    }
}
