"""The home page answers, in Chinese unless the visitor chose otherwise."""


def test_home_page_is_chinese_by_default(client_request):
    page = client_request.get("site.home")  # 200 and exactly one h1, checked by client_request
    assert page.html["lang"] == "zh-Hans"
    assert page.h1.get_text(strip=True)
