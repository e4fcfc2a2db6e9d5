/// Warnings `watchlistd check` prints about names that will match more than the analyst
/// meant: very short CJK names, 1–3 letter Latin acronyms, common English words, names
/// that are only a legal form. Each says what to do instead.
public enum RiskyNames {
    static let commonWords: Set<String> = [
        "access", "active", "advance", "alliance", "alpha", "apex", "apple", "arrow", "atlas", "bank", "beacon", "best",
        "beta", "bridge", "capital", "center", "central", "century", "city", "civic", "classic", "cloud", "community",
        "compass", "continental", "core", "crown", "data", "delta", "digital", "direct", "discovery", "dynamic", "eagle",
        "east", "eastern", "eclipse", "elite", "energy", "enterprise", "equity", "evergreen", "excel", "express",
        "federal", "fidelity", "first", "focus", "frontier", "fusion", "future", "galaxy", "gateway", "general",
        "genesis", "global", "gold", "golden", "grand", "green", "group", "guardian", "harmony", "harvest", "health",
        "heritage", "horizon", "image", "impact", "independence", "infinity", "insight", "integrity", "international",
        "keystone", "landmark", "legacy", "liberty", "lincoln", "link", "matrix", "media", "meridian", "metro",
        "modern", "national", "network", "nexus", "noble", "north", "northern", "nova", "oasis", "omega", "online",
        "optimum", "orbit", "pacific", "paramount", "partners", "patriot", "peak", "phoenix", "pinnacle", "pioneer",
        "pivot", "planet", "platinum", "premier", "prime", "progress", "prospect", "quantum", "radiant", "rapid",
        "regional", "reliance", "royal", "safe", "secure", "security", "select", "sentinel", "services", "shield",
        "sierra", "signal", "silver", "smart", "solar", "solutions", "south", "southern", "sovereign", "spark",
        "spectrum", "square", "standard", "star", "sterling", "summit", "sun", "sunrise", "superior", "supreme",
        "synergy", "systems", "target", "tech", "titan", "total", "trust", "unique", "united", "universal", "valley",
        "vanguard", "vector", "venture", "victory", "vision", "vista", "west", "western", "world", "zenith",
    ]

    /// Warnings for one watchlist, as `FILE:LINE: warning: …` diagnostics.
    public static func warnings(for watchlist: Watchlist, normalizer: Normalizer = Normalizer()) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for entity in watchlist.entities {
            for name in entity.names where name.relation != .domain {
                let folded = normalizer.normalize(name.value)
                let cjk = folded.classes.filter { $0 == .cjk }.count
                let letters = folded.classes.filter { $0 == .word }.count
                func warn(_ message: String) {
                    result.append(Diagnostic(file: watchlist.file, line: name.line, message: message, severity: .warning))
                }
                if folded.count == 0 {
                    warn("`\(name.value)` has no letters or characters left to match after folding; remove it")
                } else if LegalForms.core(of: folded) == nil, LegalForms.formStarts(at: 0, in: folded),
                          LegalForms.folded.suffixes.contains(where: { $0.scalars == folded.scalars }) {
                    warn("`\(name.value)` is only a legal form and would match every company that has it; write the company's name")
                } else if cjk > 0 && letters == 0 && cjk <= 2 {
                    warn("`\(name.value)` is a very short CJK name (\(cjk) character\(cjk == 1 ? "" : "s")): it also stands inside longer words; watchlistd checks word boundaries, but prefer the full name or add `exclude:` lines for the words it appears in")
                } else if cjk == 0 && letters <= 3 {
                    warn("`\(name.value)` is a 1–3 letter acronym and will match unrelated text; prefer the full name, or keep it and add `exclude:` lines for the false hits you see")
                } else if cjk == 0, commonWords.contains(folded.folded) {
                    warn("`\(name.value)` is also a common English word and will match unrelated listings; write the full name (\(name.value) Corporation, …) or add `exclude:` lines")
                }
            }
        }
        return result
    }
}
