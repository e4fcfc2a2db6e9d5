/// The versions of the C libraries in use, asked of the libraries themselves at run time
/// (what `watchlistd --version` prints: the package may run against newer Debian builds
/// than it was built with).
public enum LibraryVersions {
    public static var all: [(name: String, version: String)] {
        [
            ("libcurl", CurlEasy.libraryVersion), ("SQLite", Store.sqliteVersion),
            ("ICU", ICUWords.libraryVersion), ("OpenCC", FoldTable.openCCVersion),
        ]
    }
}
