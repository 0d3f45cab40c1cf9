"""The claim credit note as PDF (fpdf2): the brand's credit to the distributor, the claim it
settles and its approved lines. fpdf2's core fonts are Latin-1: amounts read "Rs.", and text
outside Latin-1 is replaced rather than failing the document."""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from distra.claims.models import ClaimCreditNote

GREY = (235, 235, 235)


def _latin1(text) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _money(amount: Decimal | None) -> str:
    return f"{amount:,.2f}" if amount is not None else "-"


def credit_note_pdf(note: ClaimCreditNote, lines, words: str) -> bytes:
    """The credit note: number, date, the distributor credited (name, GSTIN), the claim and its
    period, each approved line (kind, invoice or order, scheme, description and reason, claimed,
    approved), the total and the amount in words."""
    claim = note.claim
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"Credit note {note.number}")
    pdf.set_creator("Distra")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, "CREDIT NOTE (CLAIM SETTLEMENT)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    period = f"    Period: {claim.period_start:%d-%m-%Y} - {claim.period_end:%d-%m-%Y}" if claim.period_start else ""
    for text in (f"Number: {note.number}    Date: {note.issued_on:%d-%m-%Y}", f"Against claim {claim.number}{period}",
                 f"Credited to: {note.distributor_name}    GSTIN: {note.distributor_tax_id or '-'}"):
        pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", size=8)
    with pdf.table(col_widths=(22, 30, 22, 70, 23, 23), text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), line_height=5) as table:
        for row in [["Kind", "Invoice / order", "Scheme", "Description", "Claimed (Rs.)", "Approved (Rs.)"], *map(_row, lines)]:
            cells = table.row()
            for value in row:
                cells.cell(_latin1(value))
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin1(f"Total credited: Rs. {_money(note.amount)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _latin1(f"In words: {words}"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, "A commercial credit note of the brand settling the distributor's claim; it carries no tax.",
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _row(line) -> list[str]:
    source = (line.invoice_line.invoice.number if line.invoice_line_id
              else line.order_line.order.number if line.order_line_id else "-")
    description = line.description + (f" ({line.decision_reason})" if line.decision_reason else "")
    return [line.get_kind_display(), source, line.scheme.code if line.scheme_id else "-", description,
            _money(line.amount), _money(line.approved_amount)]
