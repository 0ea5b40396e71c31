import zipfile

from pipeline.ingest.archive import open_export
from pipeline.ingest.profile import read_profile
from pipeline.run import SAMPLE_EXPORT


def test_sample_profile():
    p = read_profile(open_export(SAMPLE_EXPORT))
    assert p.name == "Avery Chen"
    assert p.schools == ("University of Waterloo",)
    assert p.grad_year() == 2025  # the BASc, not the MMath expected in 2027
    assert max(e.end_year for e in p.education) == 2027
    assert p.career_start() is not None  # the research assistant role, not the co-ops
    assert any(pos.is_training for pos in p.positions)


def test_missing_files_give_an_empty_profile(tmp_path):
    path = tmp_path / "Basic_LinkedInDataExport_01-01-2026.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Connections.csv", "First Name,Last Name,Company\nA,B,C\n")
    p = read_profile(open_export(path))
    assert p.name == "" and p.grad_year() is None and p.career_start() is None


def test_internships_do_not_start_a_career(tmp_path):
    path = tmp_path / "export"
    path.mkdir()
    (path / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Acme,Data Analyst,,,Sep 2024,\n"
        "Shopify,Data Science Intern,,,May 2023,Aug 2023\n"
        "RBC,Software Developer Co-op,,,Jan 2022,Apr 2022\n",
        encoding="utf-8",
    )
    (path / "Connections.csv").write_text("First Name,Last Name\n", encoding="utf-8")
    p = read_profile(open_export(path))
    assert p.career_start() == 2024
