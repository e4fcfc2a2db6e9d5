#!/usr/bin/env python3
"""Writes the HTML pages of Tests/Fixtures/html/ that are not UTF-8 (run once; the output
is committed): a forum list in GBK, a leak-site list in Shift_JIS, and a UTF-8 page that
declares ISO-8859-1. Python's codecs do the encoding, so Charset (iconv) is checked
against an independent implementation.

    python3 Tests/Support/make_html_fixtures.py
"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "html")

PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>{heading}</title></head>
<body><h1>{heading}</h1>
<ul class="posts">
{rows}
</ul></body></html>
"""
ROW = '<li class="post"><a href="/t/{n}">{title}</a> <span class="when">{when}</span></li>'


def write(name, codec, meta, heading, titles):
    rows = "\n".join(ROW.format(n=i + 1, title=t, when="2024-03-1%d 08:00" % (i + 1)) for i, t in enumerate(titles))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(PAGE.format(meta=meta, heading=heading, rows=rows).encode(codec))


write("gbk.html", "gbk", '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', "数据库交易区",
      ["出售凯斯特银行客户数据库，共十二万条", "某论坛用户表（已验证）"])
write("shift_jis.html", "cp932", '<meta charset="Shift_JIS">', "リーク一覧",
      ["ルーメン製薬の社内資料が流出", "ある物流会社の顧客名簿"])
write("mislabelled.html", "utf-8", '<meta charset="iso-8859-1">', "泄露列表",
      ["凯斯特银行内部邮件外泄", "Orion Shipping — manifests"])
