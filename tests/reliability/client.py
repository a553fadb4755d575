"""Signing in to a running server as a person (web session) or a script (API token)."""

import requests

DEMO_PASSWORD = "isecg-demo"


def web_session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.ok and "sessionid" in session.cookies, answer.text[:500]
    return session


def post_form(session: requests.Session, url: str, data: dict) -> requests.Response:
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url},
        timeout=30,
    )


def api_token(base: str, username: str) -> str:
    answer = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert answer.ok, answer.text
    return answer.json()["token"]
