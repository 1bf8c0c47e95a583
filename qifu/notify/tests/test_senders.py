"""The senders against a fake gateway on loopback (SMS, WeCom) and Django's locmem backend (e-mail)."""

import socket

import pytest

from qifu.notify.senders import EmailSender, SendError, SmsSender, WeComSender, sender_for


def test_sms_posts_phone_and_text_with_the_bearer_token_case(channels, gateway):
    # when
    SmsSender().send(address="13800138000", subject="【企服】诉求已派单", text="请登录企服查看详情。")
    # then
    [got] = gateway.received
    assert got.path == "/sms"
    assert got.body == {"phone": "13800138000", "text": "【企服】诉求已派单\n请登录企服查看详情。"}
    assert got.headers["Authorization"] == "Bearer sms-secret"
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"


def test_sms_without_token_sends_no_authorization_case(channels, gateway):
    channels.SMS_TOKEN = None
    SmsSender().send(address="13800138000", subject="s", text="")
    assert "Authorization" not in gateway.received[0].headers
    assert gateway.received[0].body == {"phone": "13800138000", "text": "s"}


@pytest.mark.parametrize("status", [400, 500, 503], ids=lambda s: f"http_{s}_case")
def test_sms_gateway_error_is_a_send_error(channels, gateway, status):
    gateway.status = status
    with pytest.raises(SendError, match=f"HTTP {status}"):
        SmsSender().send(address="13800138000", subject="s", text="t")


def test_unreachable_gateway_is_a_send_error_case(channels):
    # a loopback port with nobody listening
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    channels.SMS_URL = f"http://127.0.0.1:{port}/sms"
    with pytest.raises(SendError, match="unreachable"):
        SmsSender().send(address="13800138000", subject="s", text="t")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"], ids=lambda u: f"{u.split(':')[0]}_case")
def test_only_http_urls_case(channels, url):
    channels.SMS_URL = url
    with pytest.raises(SendError, match="not an http"):
        SmsSender().send(address="1", subject="s", text="t")


def test_missing_settings_are_send_errors_case(settings):
    settings.SMS_URL = None
    settings.WECOM_WEBHOOK = None
    with pytest.raises(SendError, match="QIFU_SMS_URL"):
        SmsSender().send(address="1", subject="s", text="t")
    with pytest.raises(SendError, match="QIFU_WECOM_WEBHOOK"):
        WeComSender().send(address="1", subject="s", text="t")


def test_wecom_posts_a_text_message_mentioning_the_recipient_case(channels, gateway):
    # when
    WeComSender().send(address="13800138000", subject="您有2条新通知", text="1. 甲\n2. 乙")
    # then
    [got] = gateway.received
    assert got.path == "/cgi-bin/webhook/send?key=robot"
    assert got.body == {
        "msgtype": "text",
        "text": {"content": "您有2条新通知\n1. 甲\n2. 乙", "mentioned_mobile_list": ["13800138000"]},
    }
    assert "Authorization" not in got.headers


def test_wecom_without_address_mentions_no_one_case(channels, gateway):
    WeComSender().send(address="", subject="s", text="t")
    assert gateway.received[0].body == {"msgtype": "text", "text": {"content": "s\nt"}}


def test_wecom_long_content_is_cut_to_the_robot_limit_case(channels, gateway):
    WeComSender().send(address="", subject="标题", text="很长" * 2000)
    content = gateway.received[0].body["text"]["content"]
    assert len(content.encode()) <= 2048
    assert content.endswith("…")


@pytest.mark.parametrize(
    "answer",
    [{"errcode": 93000, "errmsg": "invalid webhook url"}, {"errmsg": "no code"}, [], "ok"],
    ids=["errcode_case", "missing_errcode_case", "list_case", "string_case"],
)
def test_wecom_anything_but_errcode_zero_is_a_failure(channels, gateway, answer):
    gateway.answer = answer
    with pytest.raises(SendError, match="wecom"):
        WeComSender().send(address="13800138000", subject="s", text="t")


def test_email_goes_through_the_django_backend_case(settings, mailoutbox):
    settings.DEFAULT_FROM_EMAIL = "qifu@zone.example"
    EmailSender().send(address="a@example.gov.cn", subject="诉求已派单", text="请及时签收。")
    [mail] = mailoutbox
    assert (mail.from_email, mail.to, mail.subject, mail.body) == (
        "qifu@zone.example",
        ["a@example.gov.cn"],
        "诉求已派单",
        "请及时签收。",
    )


def test_email_backend_failure_is_a_send_error_case(settings):
    # an SMTP relay that is not there
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(SendError, match="email"):
        EmailSender().send(address="a@example.gov.cn", subject="s", text="t")


def test_sender_for_each_channel_case():
    assert isinstance(sender_for("email"), EmailSender)
    assert isinstance(sender_for("sms"), SmsSender)
    assert isinstance(sender_for("wecom"), WeComSender)
