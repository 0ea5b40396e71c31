import pandas as pd

from pipeline import insights


def prospects():
    return pd.DataFrame(
        {
            "prospect_id": list("abcdef"),
            "company": ["Shopify Inc.", "Shopify", "RBC", "", "Google", "Google"],
            "company_clean": ["Shopify", "Shopify", "RBC", "", "Google", "Google"],
            "company_key": ["shopify", "shopify", "rbc", "", "google", "google"],
            "is_connection": [True, True, False, True, True, False],
            "is_alum": [False, True, True, True, False, True],
            "seniority": ["Entry", "Senior", "VP", "", "Entry", "Director"],
            "role_family": ["Data science & ML"] * 3 + ["", "Product management", "Legal"],
            "years_ahead": [1.0, 5.0, None, 3.0, 2.0, 9.0],
            "intro_via": ["", "", "", "", "", "Zed (Google)"],
        }
    )


def test_by_employer_counts_connections_and_alumni_separately():
    p = prospects()
    assert insights.by_employer(p).to_dict() == {"Shopify": 2, "Google": 1}
    assert insights.by_employer(p, "alumni").to_dict() == {"Shopify": 1, "RBC": 1, "Google": 1}


def test_seniority_in_linkedin_order_with_unknown():
    counts = insights.seniority_counts(prospects())
    assert list(counts.index[:3]) == ["Unpaid", "Training", "Entry"]
    assert counts["Entry"] == 2 and counts["Unknown"] == 1 and counts["VP"] == 0


def test_role_families_and_years_ahead():
    p = prospects()
    assert insights.role_family_counts(p)["Unknown"] == 1
    assert insights.years_ahead(p).tolist() == [1.0, 5.0, 3.0, 2.0, 9.0]


def test_intro_opportunities_count_reachable_people_and_introducers():
    out = insights.intro_opportunities(prospects())
    assert out.to_dict("records") == [{"employer": "Google", "reachable": 1, "introducers": 1}]
