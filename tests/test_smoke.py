from tests.factories import h1


def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in html
    assert h1(html)
