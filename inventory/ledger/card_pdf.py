"""The asset card on A4 portrait: the card of the accounting regulations (thẻ tài sản cố
định): its number and date, the asset's identity, the original cost and the wear of each
year with the value remaining, the accessories, the changes from its history, and what
took it off the books."""

from __future__ import annotations

from datetime import datetime

from inventory.documents.formats import day, long_day, money, number
from inventory.documents.pdf import Column, Document, Signature, Sum
from inventory.documents.words import word
from inventory.ledger.schemas import AssetCard

BLANK = "……………"  # a field the registry does not keep, to fill in by hand


def card_pdf(card: AssetCard, at: datetime) -> bytes:
    doc = Document(
        title=f"Thẻ tài sản cố định số {card.number}: {card.name}",
        created=at,
        footer=f"Thẻ TSCĐ số {card.number} · {card.unit_name} · lập ngày {day(card.made_on)}",
        margins_mm=(20, 12, 12, 18),
        font_size=10,
    )
    doc.state_heading([p for p in (card.parent_name, card.unit_name) if p])
    doc.heading("THẺ TÀI SẢN CỐ ĐỊNH")
    doc.paragraph(f"Số: {card.number}", align="C")
    doc.paragraph(f"Lập thẻ {long_day(card.made_on)}", align="C")
    doc.ln(2)
    if card.basis:
        doc.paragraph(card.basis)
    facts = [
        (
            "Tên, ký mã hiệu, quy cách tài sản",
            f"{card.name}" + (f" ({card.model})" if card.model else ""),
        ),
        ("Mã tài sản (tem)", card.tag or "—"),
        ("Số hiệu (serial)", card.serial or "—"),
        ("Loại tài sản, nhóm", f"{card.category_name} · {word('ho_group_', card.form_group)}"),
        ("Nước sản xuất, hãng sản xuất", card.country or card.maker or BLANK),
        ("Năm sản xuất", str(card.made_year) if card.made_year else BLANK),
        ("Năm đưa vào sử dụng", str(card.year_in_use) if card.year_in_use else "—"),
        ("Bộ phận quản lý, sử dụng", card.place),
        ("Người sử dụng", card.custodian or "—"),
        ("Số lượng", f"{number(card.quantity)} {card.unit_of_measure}"),
        ("Nguyên giá", f"{money(card.original_cost)} đồng"),
        ("Nguồn vốn", card.funding_source or "—"),
        (
            "Giá trị còn lại",
            f"{money(card.remaining_value)} đồng"
            + (" (theo số đã ghi)" if card.remaining_value_given else "")
            if card.remaining_value is not None
            else "—",
        ),
        (
            "Tình trạng, trạng thái",
            f"{word('condition_', card.condition)} · {word('status_', card.status)}",
        ),
    ]
    doc.tabulate((Column("Chỉ tiêu", 1.3), Column("Nội dung", 2.7)), facts)
    doc.heading("Nguyên giá và giá trị hao mòn", size=11, align="L")
    if card.wear:
        last = card.wear[-1]
        doc.tabulate(
            (
                Column("Năm", 0.7, "R"),
                Column("Tỷ lệ hao mòn (%)", 1, "R"),
                Column("Hao mòn trong năm (đồng)", 1.4, "R"),
                Column("Hao mòn lũy kế (đồng)", 1.4, "R"),
                Column("Giá trị còn lại (đồng)", 1.4, "R"),
            ),
            [
                *(
                    (
                        str(w.year),
                        number(w.rate * 100, 2),
                        money(w.wear),
                        money(w.accumulated),
                        money(w.remaining),
                    )
                    for w in card.wear
                ),
                Sum(("Cộng", "", money(last.accumulated), "", money(last.remaining))),
            ],
        )
    else:
        doc.paragraph("Chưa có năm đưa vào sử dụng: không tính được hao mòn theo năm.")
    doc.heading("Dụng cụ, phụ tùng kèm theo", size=11, align="L")
    doc.tabulate(
        (
            Column("STT", 0.5, "R"),
            Column("Tên, quy cách", 3),
            Column("Đơn vị tính", 1),
            Column("Số lượng", 1, "R"),
        ),
        [(str(i), name, "", "") for i, name in enumerate(card.accessories, 1)]
        or [("", "Sổ không ghi dụng cụ, phụ tùng kèm theo (ghi tay nếu có)", "", "")],
    )
    doc.heading("Biến động của tài sản (tăng, giảm, điều chuyển, sửa chữa)", size=11, align="L")
    doc.tabulate(
        (
            Column("Ngày", 0.9),
            Column("Nội dung", 3.2),
            Column("Chứng từ", 1.3),
            Column("Người ghi", 1.1),
        ),
        [(day(c.at.date()), c.text, c.document, c.actor or "") for c in card.changes]
        or [("", "Chưa có thay đổi nào được ghi.", "", "")],
        font_size=8,
    )
    doc.paragraph(f"Ghi giảm tài sản: {card.decreased or 'chưa'}")
    doc.ln(4)
    doc.signatures(
        [
            Signature("Người lập thẻ"),
            Signature("Kế toán"),
            Signature("Thủ trưởng đơn vị", note="(Ký, họ tên, đóng dấu)"),
        ]
    )
    return doc.render()
