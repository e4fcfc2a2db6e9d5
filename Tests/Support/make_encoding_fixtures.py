#!/usr/bin/env python3
"""Writes Tests/Fixtures/encodings/: one small feed per encoding the parser must read,
with our own text (run once; the output is committed). Python's codecs do the encoding,
so the Swift side (iconv) is checked against an independent implementation.

    python3 Tests/Support/make_encoding_fixtures.py
"""
import json
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "encodings")

# name, codec, title, how the encoding is announced
CASES = [
    ("gb18030-declared", "gb18030", "凯斯特银行客户数据库出售", "decl:GB2312"),
    ("gbk-undeclared", "gbk", "凯斯特银行客户数据库出售，共十二万条记录", "none"),
    ("big5-declared", "big5", "凱斯特銀行客戶資料庫出售", "decl:Big5"),
    ("big5-undeclared", "big5", "凱斯特銀行客戶資料庫出售，共十二萬筆紀錄", "none"),
    ("shift_jis-declared", "cp932", "ルーメン製薬の社内資料が流出", "decl:Shift_JIS"),
    ("shift_jis-undeclared", "cp932", "ルーメン製薬の社内資料が流出しました", "none"),
    ("euc-jp-declared", "euc_jp", "ルーメン製薬の社内資料が流出", "decl:EUC-JP"),
    ("euc-jp-undeclared", "euc_jp", "ルーメン製薬の社内資料が流出しました", "none"),
    ("iso-2022-jp", "iso2022_jp", "ルーメン製薬の社内資料", "decl:ISO-2022-JP"),
    ("euc-kr-declared", "euc_kr", "Orion Shipping 고객 데이터 유출", "decl:EUC-KR"),
    ("euc-kr-undeclared", "euc_kr", "Orion Shipping 고객 데이터 유출 사건 보고서", "none"),
    ("windows-1251", "cp1251", "Orion Shipping: утечка базы клиентов", "decl:windows-1251"),
    ("windows-1251-undeclared", "cp1251", "Orion Shipping: утечка базы клиентов и паролей сотрудников", "none"),
    ("windows-1252", "cp1252", "Kestrel Bank – données clients “exposées”", "decl:windows-1252"),
    ("iso-8859-2", "iso8859_2", "Kestrel Bank előfizetők adatai kiszivárogtak", "decl:ISO-8859-2"),
    ("iso-8859-7", "iso8859_7", "Lumen Pharma διαρροή δεδομένων", "decl:ISO-8859-7"),
    ("windows-1250", "cp1250", "Kestrel Bank únik dat zákazníků", "decl:windows-1250"),
    ("utf-16le-bom", "utf-16-le", "凯斯特银行 leak", "bom"),
    ("utf-16be-bom", "utf-16-be", "凯斯特银行 leak", "bom"),
    ("utf-32le-bom", "utf-32-le", "凯斯特银行 leak", "bom"),
    ("utf-16le-nobom", "utf-16-le", "凯斯特银行 leak", "decl:UTF-16"),
    ("utf-8-bom", "utf-8", "凯斯特银行 leak", "bom"),
    # The HTTP charset says what the bytes are; the declaration inside is wrong.
    ("http-charset-overrides", "gb18030", "凯斯特银行客户数据库", "http:gb2312;decl:ISO-8859-1"),
    # Declared UTF-8, actually GBK: the bytes contradict the declaration.
    ("wrong-declaration", "gbk", "凯斯特银行客户数据库出售，共十二万条记录", "decl:UTF-8"),
]

BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00", "utf-8": b"\xef\xbb\xbf"}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name, codec, title, how in CASES:
        parts = dict(p.split(":", 1) for p in how.split(";") if ":" in p)
        declaration = f' encoding="{parts["decl"]}"' if "decl" in parts else ""
        xml = (f'<?xml version="1.0"{declaration}?>\n<rss version="2.0"><channel><title>{name}</title>\n'
               f'<item><title>{title}</title><guid>{name}-1</guid></item>\n</channel></rss>\n')
        data = xml.encode(codec)
        if how == "bom":
            data = BOMS[codec] + data
        with open(os.path.join(OUT, name + ".xml"), "wb") as f:
            f.write(data)
        if "http" in parts:
            with open(os.path.join(OUT, name + ".xml.content-type"), "w") as f:
                f.write(f"application/rss+xml; charset={parts['http']}")
        expected[name + ".xml"] = title
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
