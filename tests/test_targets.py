from openpyxl import Workbook

from pipeline.ingest.targets import read_targets


def test_lamp_template_with_title_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "LAMP list"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["Name:", "Avery"])
    ws.append(["#", "Employer List", "Advocacy", "Motivation", "Posting"])
    ws.append([1, "Shopify", "Y", 3, 2])
    ws.append([2, "RBC", "N", 2, None])
    ws.append([3, None, None, None, None])
    path = tmp_path / "lamp.xlsx"
    wb.save(path)
    targets, report = read_targets(path)
    assert targets["employer"].tolist() == ["Shopify", "RBC"]
    assert targets["advocacy"].tolist() == [True, False]
    assert targets["motivation"].tolist() == [3, 2]
    assert targets["posting"].tolist() == [2, 0]
    assert (report.read, report.accepted, report.rejected) == (3, 2, 1)


def test_career_centre_csv_variant(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("Company;Interest;Jobs\nGoogle;3;1\n", encoding="utf-8")
    targets, _ = read_targets(path)
    assert targets.iloc[0].tolist() == ["Google", False, 3, 1]
