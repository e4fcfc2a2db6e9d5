import Foundation

/// What reading one operator file needs besides its lines: the file (for messages and
/// relative paths), the problems found so far, and where keys were first given.
struct ConfigContext {
    let file: String
    private(set) var problems: [Diagnostic] = []
    private var firstLines: [String: Int] = [:]

    init(file: String, problems: [Diagnostic] = []) {
        self.file = file
        self.problems = problems
    }

    /// `path` made absolute from the file's folder.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(path)
    }

    /// An error on `line`: the file is not used.
    mutating func problem(_ line: LineGrammar.Line, _ message: String) {
        problems.append(Diagnostic(file: file, line: line.number, message: message))
    }

    /// An error at a line number (0: the whole file; 1: something missing from it).
    mutating func problem(line: Int, _ message: String) {
        problems.append(Diagnostic(file: file, line: line, message: message))
    }

    /// A warning on `line`: the file is still used.
    mutating func warning(_ line: LineGrammar.Line, _ message: String) {
        problems.append(Diagnostic(file: file, line: line.number, message: message, severity: .warning))
    }

    /// The line where `key` was first given, or nil when this is the first time (the line
    /// is then remembered). `key` is any text naming what must be unique in the file.
    mutating func firstLine(of key: String, at line: Int) -> Int? {
        if let first = firstLines[key] { return first }
        firstLines[key] = line
        return nil
    }

    /// The line where `key` was first given, nil when it never was.
    func line(of key: String) -> Int? { firstLines[key] }
}

/// One kind of block in an operator's file (`feed:`, `smtp:`, `entity:` …): the key that
/// starts it, the keys inside it, its defaults (the type's property initialisers, and
/// nowhere else) and its checks. Adding a key to a block touches only its type (and the
/// docs: the man page test lists every key).
protocol ConfigBlock: Sendable {
    /// The key that starts the block; its value is the block's subject (a URL, a name).
    static var key: String { get }
    /// The keys allowed inside the block.
    static var keys: Set<String> { get }
    /// The line that starts the block (for messages).
    var line: Int { get }
    /// The block with its defaults, from its first line.
    init(start: LineGrammar.Line, context: inout ConfigContext)
    /// One line inside the block; its key is one of `keys`.
    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext)
    /// Called once the block's last line is read: defaults that depend on other keys, and
    /// checks that need the whole block (a required key).
    mutating func finish(context: inout ConfigContext)
}

extension ConfigBlock {
    mutating func finish(context: inout ConfigContext) {}
}

/// A whole file of the shared grammar: its own (file-level) keys, the blocks it may hold
/// and where each kind of block goes.
protocol ConfigFile {
    /// File-level keys.
    static var keys: Set<String> { get }
    /// Every kind of block the file may hold, with where it goes.
    static var blocks: [BlockSlot<Self>] { get }
    /// The file with its defaults, before any line is read.
    init(file: String)
    /// One file-level line; its key is one of `keys`.
    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext)
    /// Checks across the whole file, once every line is read.
    mutating func finish(context: inout ConfigContext)
}

/// Where one kind of block goes in a file (`feed:` blocks are appended to `feeds`).
struct BlockSlot<File> {
    let key: String
    let keys: Set<String>
    /// Reads a block (its start line, then its inner lines) and adds it to the file.
    let read: (LineGrammar.Line, ArraySlice<LineGrammar.Line>, inout File, inout ConfigContext) -> Void

    init<Block: ConfigBlock>(_ block: Block.Type, add: @escaping (Block, inout File, inout ConfigContext) -> Void) {
        key = Block.key
        keys = Block.keys
        read = { start, lines, file, context in
            var value = Block(start: start, context: &context)
            for line in lines { value.read(line, context: &context) }
            value.finish(context: &context)
            add(value, &file, &context)
        }
    }
}

extension BlockSlot {
    /// A block that stands at most once in its file, stored in `property`: a second one is
    /// reported ("given twice", then `advice`), its keys still checked, and dropped.
    static func once<Block: ConfigBlock>(
        _ block: Block.Type,
        _ property: WritableKeyPath<File, Block?>,
        advice: String = ""
    ) -> BlockSlot {
        BlockSlot(block) { value, file, context in
            if let first = context.firstLine(of: Block.key, at: value.line) {
                context.problem(line: value.line, "`\(Block.key):` given twice (first at line \(first))" + advice)
            } else {
                file[keyPath: property] = value
            }
        }
    }
}

extension ConfigFile {
    /// The keys of the file and of every block, for `LineGrammar`.
    static var schema: LineGrammar.Schema {
        LineGrammar.Schema(fileKeys: keys, blocks: Dictionary(uniqueKeysWithValues: blocks.map { ($0.key, $0.keys) }))
    }

    /// Reads `data` line by line: file-level keys go to the file, each block to its type.
    /// Returns the file and every problem (errors and warnings) in line order.
    static func read(_ data: Data, file: String, schema: LineGrammar.Schema) -> (Self, [Diagnostic]) {
        let (lines, grammarProblems) = LineGrammar.parse(data, file: file, schema: schema)
        var context = ConfigContext(file: file, problems: grammarProblems)
        var document = Self(file: file)
        let slots = Dictionary(uniqueKeysWithValues: blocks.map { ($0.key, $0) })
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index]
            index += 1
            if let slot = slots[line.key], line.blockStart == nil {
                // A block's lines follow its start: a file-level key or the next block ends it.
                var end = index
                while end < lines.endIndex, lines[end].blockStart == line.number { end += 1 }
                slot.read(line, lines[index..<end], &document, &context)
                index = end
            } else {
                document.read(line, context: &context)
            }
        }
        document.finish(context: &context)
        return (document, Diagnostic.sortedByLine(context.problems))
    }
}
