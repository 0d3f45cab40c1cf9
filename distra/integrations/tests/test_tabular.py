import pytest

from distra.integrations.tabular import UnreadableFile, cell_text, read_table

from .helpers import xlsx_file


def test_csv_with_bom_and_semicolons_reads_as_strings():
    data = "\ufeffCode ; Name\nA-1;Kirana \n\n B-2 ;\"Store; Two\"\n".encode()
    table = read_table(data, "outlets.csv")
    assert table.header == ["code", "name"]
    assert table.rows == [(2, ["A-1", "Kirana"]), (4, ["B-2", "Store; Two"])]


def test_csv_comma_without_bom():
    table = read_table(b"code,name\nA-1,Kirana\n")
    assert table.header == ["code", "name"]
    assert table.rows == [(2, ["A-1", "Kirana"])]


def test_xlsx_first_sheet_numbers_without_float_noise():
    data = xlsx_file(["code", "units", "price", "gtin"], [["A-1", 12, 7.5, "8901234567890"]])
    table = read_table(data, "upload.bin")
    assert table.header == ["code", "units", "price", "gtin"]
    assert table.rows == [(2, ["A-1", "12", "7.5", "8901234567890"])]


@pytest.mark.parametrize(
    ("data", "name"), [(b"", "a.csv"), (b"\xff\xfe\x00c\x00o", "a.csv"), (b"PK\x03\x04garbage", "a.xlsx"), (b"not a zip", "a.xlsx")]
)
def test_unreadable_files_raise(data, name):
    with pytest.raises(UnreadableFile):
        read_table(data, name)


def test_cell_text():
    assert [cell_text(v) for v in (None, True, 3.0, 2.25, " x ")] == ["", "true", "3", "2.25", "x"]
