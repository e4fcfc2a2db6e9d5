/// What follows a short CJK name inside a run of CJK text. Chinese and Japanese write no spaces and
/// no capitals, so "followed by another capitalised word" has no CJK counterpart: a name that is
/// also a word or a common name (精华 "essence", 中华 "China", 长城 the Wall) run on, within four
/// characters, into a line of business or an organisation's word is another organisation's name:
/// 精华制药集团 is not St.Shine (精華). A name that is no such word keeps its group companies
/// (鸿海科技集团, 华为终端有限公司), as a distinctive Latin core does.
extension Matcher {
    /// The other organisation's name that the CJK name at `start..<end` begins, or nil. `own`:
    /// the entity's names, folded (a run that goes on as one of them is the entity's own).
    static func otherOrganisationAfter(
        _ text: NormalizedText,
        _ start: Int,
        _ end: Int,
        own: [[UInt32]]
    ) -> String? {
        guard (2...4).contains(end - start), text.classes[start..<end].allSatisfy({ $0 == .cjk }),
            end < text.count, text.classes[end] == .cjk, text.starts[end] == text.ends[end - 1],
            CJKWords.isKnown(Array(text.scalars[start..<end])),
            // With a legal form or a grouping word right after it (泰山股份有限公司, 中信证券集团) the
            // name is the entity's or its group's.
            !LegalForms.formStarts(at: end, in: text)
        else { return nil }
        let goesOn = Array(text.scalars[start...end])
        if own.contains(where: { $0.count > goesOn.count && $0.starts(with: goesOn) }) { return nil }
        var i = end
        while i < text.count, i - end <= 4, text.classes[i] == .cjk, text.starts[i] == text.ends[i - 1] {
            for word in organisationWords where i + word.count <= text.count {
                if text.scalars[i..<(i + word.count)].elementsEqual(word) {
                    return text.original(start..<(i + word.count))
                }
            }
            i += 1
        }
        return nil
    }

    /// Words that end or describe an organisation's name, as folded (simplified Chinese; Japanese
    /// kanji folded alike, katakana as written).
    static let organisationWords: [[UInt32]] = [
        "集团", "公司", "企业", "医院", "病院", "学院", "大学", "中学", "小学", "学校", "政府", "银行", "饭店", "酒店",
        "宾馆", "研究院", "研究所", "事务所", "协会", "委员会", "中心", "工厂", "厂商", "电子", "科技", "实业", "工业",
        "制药", "药业", "建设", "食品", "化学", "化工", "电力", "光电", "机械", "电机", "电器", "纺织", "能源", "汽车",
        "控股", "投资", "证券", "保险", "物流", "航运", "贸易", "传媒", "体育", "医疗", "生物", "材料", "钢铁", "水泥",
        "商事", "产业", "制作所", "株式会社", "センター", "グループ", "ホールディングス",
    ].map { Array($0.unicodeScalars.map(\.value)) }
}
