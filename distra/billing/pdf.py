"""Printable tax invoices and credit notes as PDF (fpdf2).

fpdf2's core fonts are Latin-1, so amounts are written "Rs." rather than with the rupee sign, and
text outside Latin-1 (an outlet name in Devanagari) is replaced rather than failing the document.
"""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from distra.billing.domain import amount_in_words
from distra.billing.models import CreditNote, Invoice, InvoiceLine
from distra.billing.tax import state_label
from distra.core.money import split_cases

GREY = (235, 235, 235)


def latin1(text: str) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def cases_units(quantity: int, units_per_case: int) -> str:
    cases, units = split_cases(quantity=quantity, units_per_case=units_per_case)
    return f"{cases} cs + {units} u" if cases else f"{units} u"


class _Document(FPDF):
    def __init__(self, title: str, number: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.doc_title, self.doc_number = title, number
        self.set_title(f"{title} {number}")
        self.set_creator("Distra")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, latin1(f"{self.doc_title} {self.doc_number} - page {self.page_no()}/{{nb}}"), align="C")

    def text_line(self, text: str, *, size: int = 9, bold: bool = False, height: float = 5) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _parties(pdf: _Document, invoice: Invoice, heading: list[str]) -> None:
    pdf.text_line(pdf.doc_title.upper(), size=16, bold=True, height=8)
    for line in heading:
        pdf.text_line(line)
    pdf.ln(2)
    top = pdf.get_y()
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for i, (label, name, address, tax_id, state) in enumerate((
        ("Seller", invoice.seller_name, invoice.seller_address, invoice.seller_tax_id, invoice.seller_state),
        ("Buyer", invoice.buyer_name, invoice.buyer_address, invoice.buyer_tax_id, invoice.buyer_state),
    )):
        pdf.set_xy(pdf.l_margin + i * width, top)
        text = f"{label}: {name}\n{address or '-'}\nGSTIN: {tax_id or 'Unregistered'}"
        if state:
            text += f"\nState: {state_label(state)}"
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(width - 4, 5, latin1(text), border=1, new_x="RIGHT", new_y="TOP")
    pdf.set_y(top + 27)


def _lines_table(pdf: _Document, rows: list[list[str]], gst_split: bool) -> None:
    tax_heads = ["CGST", "SGST"] if gst_split else ["IGST / VAT"]
    head = ["#", "Description", "HSN", "Quantity", "Rate (Rs.)", "Disc. %", "Taxable (Rs.)", "Tax %", *tax_heads, "Total (Rs.)"]
    widths = (6, 62, 16, 26, 20, 14, 26, 14, *((20, 20) if gst_split else (40,)), 28)
    pdf.set_font("Helvetica", size=8)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                                  *(("RIGHT", "RIGHT") if gst_split else ("RIGHT",)), "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), line_height=5) as table:
        for row in [head, *rows]:
            cells = table.row()
            for value in row:
                cells.cell(latin1(value))


def _totals(pdf: _Document, doc, words_label: str) -> None:
    pdf.ln(3)
    parts = [("Taxable value", doc.taxable)]
    parts += [(name, getattr(doc, name.lower())) for name in ("CGST", "SGST", "IGST", "VAT") if getattr(doc, name.lower())]
    parts.append(("Total", doc.total))
    for label, amount in parts:
        pdf.set_font("Helvetica", "B" if label == "Total" else "", 10)
        pdf.cell(0, 6, latin1(f"{label}: Rs. {money(amount)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.text_line(f"{words_label}: {amount_in_words(doc.total)}", bold=True)


def _row(i: int, line: InvoiceLine, quantity: int, rate: Decimal, gst_split: bool) -> list[str]:
    taxes = [money(line.cgst), money(line.sgst)] if gst_split else [money(line.igst + line.vat)]
    return [str(i), line.description, line.hsn, cases_units(quantity, line.units_per_case), money(line.unit_price), f"{line.discount_pct}", money(line.taxable),
            f"{rate}", *taxes, money(line.total)]


def invoice_pdf(invoice: Invoice) -> bytes:
    """The tax invoice: seller and buyer with addresses and GSTINs, number, date, place of supply,
    lines (HSN, cases + units, rate, discount, taxable value, tax), totals and amount in words."""
    pdf = _Document("Tax invoice", invoice.number)
    heading = [f"Invoice number: {invoice.number}    Date: {invoice.issued_on:%d-%m-%Y}    Due: {invoice.due_on:%d-%m-%Y}",
               f"Order: {invoice.order.number}    Place of supply: {state_label(invoice.place_of_supply) or '-'}"]
    if invoice.status == "cancelled":
        heading.append("CANCELLED by credit note")
    _parties(pdf, invoice, heading)
    gst_split = bool(invoice.cgst or invoice.sgst)
    rows = [_row(line.line_no, line, line.quantity, line.tax_rate, gst_split) for line in invoice.lines.order_by("line_no")]
    _lines_table(pdf, rows, gst_split)
    _totals(pdf, invoice, "Amount in words")
    return bytes(pdf.output())


def credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note: against which invoice, why, the lines and amounts it reverses."""
    invoice = note.invoice
    pdf = _Document("Credit note", note.number)
    heading = [f"Credit note number: {note.number}    Date: {note.issued_on:%d-%m-%Y}",
               f"Against invoice {invoice.number} of {invoice.issued_on:%d-%m-%Y}    Reason: {note.get_kind_display()} - {note.reason}"]
    _parties(pdf, invoice, heading)
    gst_split = bool(note.cgst or note.sgst)
    rows = []
    for i, line in enumerate(note.lines.select_related("invoice_line").order_by("id"), start=1):
        source = line.invoice_line
        row = _row(i, source, line.quantity, source.tax_rate, gst_split)
        row[6:] = [money(line.taxable), f"{source.tax_rate}",
                   *([money(line.cgst), money(line.sgst)] if gst_split else [money(line.igst + line.vat)]), money(line.total)]
        rows.append(row)
    _lines_table(pdf, rows, gst_split)
    _totals(pdf, note, "Amount credited in words")
    return bytes(pdf.output())
