"""Issue 25, class 5: the compare page's address is anyone's, and cannot break the page.

Ids that name properties every JavaScript object has (``constructor``, ``__proto__``,
``toString``) used to reach Object's own and throw; now no id reaches the prototype, and
the ids the page could not show are named in a notice, as text.  The ``watched`` fixture
fails the test on any page error or console error.
"""
from __future__ import annotations

from urllib.parse import quote

NOTICE = ".lb-compare-missing"


def open_compare(watched, models: str):
    page = watched.page
    page.goto(watched.base_url + "/compare/?models=" + models)
    # the script has read data/models.json once the datalist holds the names
    page.wait_for_function("document.querySelectorAll('#lb-compare-names option').length > 10")
    return page


def test_prototype_names_in_the_address_are_named_and_break_nothing(watched):
    page = open_compare(watched, "constructor,__proto__")
    notice = page.locator(NOTICE)
    notice.wait_for(state="visible")
    assert notice.inner_text() == "Not found, so left out: \u201cconstructor\u201d, \u201c__proto__\u201d."
    assert page.locator(".lb-compare-chosen li").count() == 0
    assert page.locator("table.lb-compare-table").is_hidden()
    assert page.locator(".lb-compare-note").inner_text().startswith("Choose two or three models")
    # the page still works: two real models are compared, and the notice goes with the address
    for name in ("SDN-M2", "DeepLab_v2"):
        page.fill("input[name=model]", name)
        page.locator(".lb-compare-form button[type=submit]").click()
    page.locator("table.lb-compare-table").wait_for(state="visible")
    assert page.evaluate("new URLSearchParams(location.search).get('models')") == "sdn-m2,deeplab-v2"
    assert notice.is_hidden()
    # a typed name that is a property of every object finds no model either
    page.fill("input[name=model]", "constructor")
    page.locator(".lb-compare-form button[type=submit]").click()
    assert page.locator(".lb-compare-note").inner_text() == "No model is called \u201cconstructor\u201d."


def test_real_ids_among_hostile_ones_are_compared_and_the_rest_shown_as_text(watched):
    hostile = ["toString", "hasOwnProperty", '<img src=x onerror="document.title=1">']
    page = open_compare(watched, ",".join(["sdn-m2", *map(quote, hostile), "deeplab-v3-xception-65",
                                           "deeplab-v2", "sdn-m2"]))
    table = page.locator("table.lb-compare-table")
    table.wait_for(state="visible")
    head = table.locator("thead th").evaluate_all("hs => hs.map(h => h.innerText)")
    assert head == ["Leaderboard", "Metric", "SDN-M2", "DeepLab_v3-Xception-65", "DeepLab_v2"]
    notice = page.locator(NOTICE).inner_text()
    assert notice == ("Not found, so left out: \u201ctoString\u201d, \u201chasOwnProperty\u201d, "
                      f"\u201c{hostile[2]}\u201d.")
    assert page.locator(f"{NOTICE} img, .lb-compare img").count() == 0  # text, never markup
    assert page.title() != "1"


def test_a_fourth_model_in_the_address_is_named_as_left_out(watched):
    page = open_compare(watched, "sdn-m2,deeplab-v3-xception-65,deeplab-v2,sdn-m3")
    page.locator("table.lb-compare-table").wait_for(state="visible")
    assert page.locator(".lb-compare-chosen li").count() == 3
    assert page.locator(NOTICE).inner_text() == \
        "Three models at most are compared; left out: \u201csdn-m3\u201d."
