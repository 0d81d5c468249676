"""Conformance: Twilio's official `twilio` Python package drives every Chat v2
resource against parley-server, as a user of the helper library would."""

import datetime
import re
import secrets

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import ChatGrant

from conftest import client_for

SID = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")


def code_of(fn):
    with pytest.raises(TwilioRestException) as e:
        fn()
    return e.value.code, e.value.status


def test_service_lifecycle_and_settings(client):
    svc = client.chat.v2.services.create(friendly_name="Acme")
    assert SID.match(svc.sid) and svc.sid.startswith("IS")
    assert svc.friendly_name == "Acme"
    assert isinstance(svc.date_created, datetime.datetime), "dates parse as datetimes"
    assert svc.limits == {"channel_members": 100, "user_channels": 250}
    assert svc.media["size_limit_mb"] == 150
    assert svc.typing_indicator_timeout == 5 and svc.read_status_enabled is True

    updated = client.chat.v2.services(svc.sid).update(
        friendly_name="Acme 2",
        typing_indicator_timeout=9,
        reachability_enabled=True,
        notifications_new_message_enabled=True,
        notifications_new_message_template="New in ${CHANNEL} from ${USER}: ${MESSAGE}",
        notifications_new_message_sound="ding",
        notifications_added_to_channel_enabled=True,
        notifications_removed_from_channel_template="Removed from ${CHANNEL}",
        limits_channel_members=500,
        limits_user_channels=20,
        post_webhook_url="https://hooks.example.com/post",
        webhook_method="POST",
        webhook_filters=["onMessageSent", "onChannelAdded"],
        media_compatibility_message="media attached",
    )
    assert updated.friendly_name == "Acme 2"
    assert updated.typing_indicator_timeout == 9
    assert updated.reachability_enabled is True
    nm = updated.notifications["new_message"]
    assert nm["enabled"] is True and nm["sound"] == "ding"
    assert nm["template"] == "New in ${CHANNEL} from ${USER}: ${MESSAGE}"
    assert updated.notifications["added_to_channel"]["enabled"] is True
    assert updated.notifications["removed_from_channel"]["template"] == "Removed from ${CHANNEL}"
    assert updated.limits == {"channel_members": 500, "user_channels": 20}
    assert updated.webhook_filters == ["onMessageSent", "onChannelAdded"]
    assert updated.media["compatibility_message"] == "media attached"

    fetched = client.chat.v2.services(svc.sid).fetch()
    assert fetched.friendly_name == "Acme 2" and fetched.post_webhook_url == "https://hooks.example.com/post"
    assert svc.sid in [s.sid for s in client.chat.v2.services.list()]

    assert code_of(lambda: client.chat.v2.services(svc.sid).update(limits_channel_members=5000))[0] == 50060
    client.chat.v2.services(svc.sid).delete()
    assert code_of(lambda: client.chat.v2.services(svc.sid).fetch()) == (20404, 404)


def test_default_roles_and_custom_roles(client, service):
    roles = {r.friendly_name: r for r in client.chat.v2.services(service.sid).roles.list()}
    assert set(roles) == {"service admin", "service user", "channel admin", "channel user"}
    assert service.default_service_role_sid == roles["service user"].sid
    assert service.default_channel_role_sid == roles["channel user"].sid
    assert service.default_channel_creator_role_sid == roles["channel admin"].sid
    assert "sendMessage" in roles["channel user"].permissions

    r = client.chat.v2.services(service.sid).roles.create(
        friendly_name="moderator", type="channel", permission=["sendMessage", "deleteAnyMessage"]
    )
    assert r.type == "channel" and r.permissions == ["sendMessage", "deleteAnyMessage"]
    r2 = client.chat.v2.services(service.sid).roles(r.sid).update(permission=["sendMessage"])
    assert r2.permissions == ["sendMessage"], "update replaces the permission set"
    assert code_of(
        lambda: client.chat.v2.services(service.sid).roles.create(
            friendly_name="bad", type="channel", permission=["flyToTheMoon"]
        )
    )[0] == 50104
    client.chat.v2.services(service.sid).roles(r.sid).delete()
    assert code_of(lambda: client.chat.v2.services(service.sid).roles(r.sid).fetch())[0] == 50100


def test_users_by_sid_and_identity(client, service):
    users = client.chat.v2.services(service.sid).users
    u = users.create(identity="ada", friendly_name="Ada L", attributes='{"team":"core"}')
    assert u.sid.startswith("US") and u.identity == "ada" and u.attributes == '{"team":"core"}'
    assert u.joined_channels_count == 0
    assert users("ada").fetch().sid == u.sid, "identity is an alternate key"
    assert users(u.sid).update(friendly_name="Ada Lovelace").friendly_name == "Ada Lovelace"
    assert code_of(lambda: users.create(identity="ada")) == (50201, 409)
    assert code_of(lambda: users.create(identity="x", attributes="{nope"))[0] == 50304
    assert code_of(lambda: users("nobody").fetch())[0] == 50200
    users("ada").delete()
    assert code_of(lambda: users(u.sid).fetch())[0] == 50200


def test_channels_members_messages_and_counts(client, service):
    svc = client.chat.v2.services(service.sid)
    ch = svc.channels.create(friendly_name="General", unique_name="general", attributes='{"topic":"all"}')
    assert ch.sid.startswith("CH") and ch.type == "public" and ch.created_by == "system"
    assert ch.links["last_message"] is None
    assert svc.channels("general").fetch().sid == ch.sid, "unique_name is an alternate key"
    assert code_of(lambda: svc.channels.create(unique_name="general")) == (50307, 409)

    m = svc.channels("general").members.create(identity="ann")
    assert m.sid.startswith("MB") and m.last_consumed_message_index is None
    svc.channels(ch.sid).members.create(identity="ben")
    assert code_of(lambda: svc.channels(ch.sid).members.create(identity="ann")) == (50404, 409)
    assert svc.channels(ch.sid).members("ann").fetch().sid == m.sid

    for i in range(5):
        msg = svc.channels(ch.sid).messages.create(body=f"hello {i}", from_="ann")
        assert msg.index == i and msg._from == "ann" and msg.type == "text"
    fetched = svc.channels(ch.sid).fetch()
    assert fetched.messages_count == 5 and fetched.members_count == 2
    assert fetched.links["last_message"].endswith(msg.sid)

    edited = svc.channels(ch.sid).messages(msg.sid).update(body="hello again")
    assert edited.body == "hello again" and edited.was_edited is True
    svc.channels(ch.sid).messages(msg.sid).delete()
    assert svc.channels(ch.sid).fetch().messages_count == 4
    assert code_of(lambda: svc.channels(ch.sid).messages(msg.sid).fetch())[0] == 50500
    again = svc.channels(ch.sid).messages.create(body="after delete")
    assert again.index == 5, "indices are never reused"

    desc = svc.channels(ch.sid).messages.list(order="desc")
    assert [x.index for x in desc] == [5, 3, 2, 1, 0]

    # consumption horizon on the member and the user channel
    svc.channels(ch.sid).members("ann").update(last_consumed_message_index=2)
    uc = svc.users("ann").user_channels(ch.sid).fetch()
    assert uc.status == "joined" and uc.last_consumed_message_index == 2
    assert uc.unread_messages_count == 2, "messages 3 and 5 are unread"
    uc = svc.users("ann").user_channels(ch.sid).update(last_consumed_message_index=5, notification_level="muted")
    assert uc.unread_messages_count == 0 and uc.notification_level == "muted"
    assert svc.users("ann").fetch().joined_channels_count == 1

    assert code_of(lambda: svc.channels(ch.sid).messages.create(body="x" * 40000))[0] == 50504
    assert code_of(lambda: svc.channels("nope").fetch()) == (50300, 404)

    svc.users("ann").user_channels(ch.sid).delete()
    assert svc.channels(ch.sid).fetch().members_count == 1
    svc.channels(ch.sid).delete()
    assert code_of(lambda: svc.channels(ch.sid).fetch())[0] == 50300


def test_list_paging_and_stream_cross_pages(client, service):
    svc = client.chat.v2.services(service.sid)
    ch = svc.channels.create(friendly_name="busy")
    for i in range(23):
        svc.channels(ch.sid).messages.create(body=f"m{i}")
    page = svc.channels(ch.sid).messages.page(page_size=10)
    assert [m.index for m in page] == list(range(10)) and page.next_page_url is not None
    third = page.next_page().next_page()
    assert [m.body for m in third] == ["m20", "m21", "m22"]
    assert third.next_page_url is None
    back = third.previous_page()
    assert [m.index for m in back] == list(range(10, 20))

    streamed = [m.index for m in svc.channels(ch.sid).messages.stream(page_size=7)]
    assert streamed == list(range(23))
    listed = svc.channels(ch.sid).messages.list(page_size=5, limit=12)
    assert [m.index for m in listed] == list(range(12))
    newest = svc.channels(ch.sid).messages.list(order="desc", page_size=4, limit=6)
    assert [m.index for m in newest] == [22, 21, 20, 19, 18, 17]


def test_private_channels_type_filter_invites(client, service):
    svc = client.chat.v2.services(service.sid)
    pub = svc.channels.create(friendly_name="pub")
    priv = svc.channels.create(friendly_name="priv", type="private")
    assert {c.sid for c in svc.channels.list()} == {pub.sid}, "the default Type filter is public"
    assert {c.sid for c in svc.channels.list(type=["private"])} == {priv.sid}
    assert {c.sid for c in svc.channels.list(type=["public", "private"])} == {pub.sid, priv.sid}

    inv = svc.channels(priv.sid).invites.create(identity="dora")
    assert inv.sid.startswith("IN") and inv.identity == "dora"
    assert code_of(lambda: svc.channels(priv.sid).invites.create(identity="dora"))[0] == 50212
    assert [i.sid for i in svc.channels(priv.sid).invites.list(identity=["dora"])] == [inv.sid]
    assert svc.users("dora").user_channels(priv.sid).fetch().status == "invited"
    svc.channels(priv.sid).invites(inv.sid).delete()
    assert code_of(lambda: svc.channels(priv.sid).invites(inv.sid).fetch())[0] == 50601

    svc.channels(priv.sid).members.create(identity="dora")
    svc.channels(priv.sid).members.create(identity="eve")
    assert [m.identity for m in svc.channels(priv.sid).members.list(identity=["eve"])] == ["eve"]
    listed = svc.users("dora").user_channels.list()
    assert [(u.channel_sid, u.status) for u in listed] == [(priv.sid, "joined")]


def test_limits_are_enforced(client, service):
    svc = client.chat.v2.services(service.sid)
    client.chat.v2.services(service.sid).update(limits_channel_members=2, limits_user_channels=1)
    a = svc.channels.create(friendly_name="a")
    b = svc.channels.create(friendly_name="b")
    svc.channels(a.sid).members.create(identity="u1")
    svc.channels(a.sid).members.create(identity="u2")
    assert code_of(lambda: svc.channels(a.sid).members.create(identity="u3")) == (50403, 403)
    assert code_of(lambda: svc.channels(b.sid).members.create(identity="u1")) == (50208, 403)


def test_credentials(client):
    import json
    from pathlib import Path

    key = (Path(__file__).resolve().parents[2] / "crates/server/tests/it/fixtures/fcm_test_key.pem").read_text()
    account = json.dumps({
        "type": "service_account", "project_id": "parley-test", "private_key": key,
        "client_email": "push@parley-test.iam.gserviceaccount.com",
    })
    status, code = code_of(lambda: client.chat.v2.credentials.create(type="fcm", secret="s3cret"))[::-1]
    assert status == 400, "a secret that is no service account is refused"
    cr = client.chat.v2.credentials.create(type="fcm", friendly_name="android", secret=account)
    assert cr.sid.startswith("CR") and cr.type == "fcm"
    cr2 = client.chat.v2.credentials(cr.sid).update(friendly_name="android-2")
    assert cr2.friendly_name == "android-2"
    assert cr.sid in [c.sid for c in client.chat.v2.credentials.list()]
    client.chat.v2.credentials(cr.sid).delete()
    assert code_of(lambda: client.chat.v2.credentials(cr.sid).fetch())[1] == 404


def test_channel_webhooks(client, service):
    svc = client.chat.v2.services(service.sid)
    ch = svc.channels.create(friendly_name="hooked")
    hooks = svc.channels(ch.sid).webhooks
    wh = hooks.create(
        type="webhook",
        configuration_url="https://example.com/hook",
        configuration_method="POST",
        configuration_filters=["onMessageSent"],
        configuration_retry_count=2,
    )
    assert wh.sid.startswith("WH") and wh.configuration["filters"] == ["onMessageSent"]
    assert wh.configuration["retry_count"] == 2
    t = hooks.create(type="trigger", configuration_url="https://example.com/t", configuration_triggers=["help"])
    assert hooks(t.sid).update(configuration_triggers=["help", "urgent"]).configuration["triggers"] == ["help", "urgent"]
    assert len(hooks.list()) == 2
    for i in range(3):
        hooks.create(type="trigger", configuration_url="https://example.com/t", configuration_triggers=[f"w{i}"])
    assert code_of(lambda: hooks.create(type="trigger", configuration_url="https://e.com", configuration_triggers=["x"]))[0] == 50321
    hooks(wh.sid).delete()
    assert code_of(lambda: hooks(wh.sid).fetch())[0] == 50320


def test_bindings_are_listed_filtered_and_deleted(server, client, service):
    svc = client.chat.v2.services(service.sid)
    svc.users.create(identity="pat")
    # Parley extension: register a device binding.
    r = requests.post(
        f"{server.url}/v2/Services/{service.sid}/Users/pat/Bindings",
        data={"BindingType": "fcm", "Endpoint": "device-1"},
        auth=(server.account_sid, server.auth_token),
    )
    assert r.status_code == 201, r.text
    bs = svc.bindings.list(binding_type=["fcm"], identity=["pat"])
    assert [b.endpoint for b in bs] == ["device-1"]
    assert svc.bindings.list(binding_type=["apn"]) == []
    ub = svc.users("pat").user_bindings.list()
    assert ub[0].sid == bs[0].sid and ub[0].message_types[0] == "new_message"
    assert svc.users("pat").user_bindings(ub[0].sid).fetch().endpoint == "device-1"
    svc.bindings(bs[0].sid).delete()
    assert svc.users("pat").user_bindings.list() == []


def test_api_key_basic_auth(server):
    out = server.cli("key", "create", "--friendly-name", "conformance")
    sid = re.search(r"(SK[0-9a-f]{32})", out).group(1)
    secret = re.search(r"secret \(shown once\): (\S+)", out).group(1)
    c = client_for(server, sid, secret)
    svc = c.chat.v2.services.create(friendly_name="via api key")
    assert svc.account_sid == server.account_sid
    bad = client_for(server, sid, "wrong")
    assert code_of(lambda: bad.chat.v2.services(svc.sid).fetch()) == (20003, 401)


def test_access_tokens_minted_by_the_helper_library(server, client, service):
    out = server.cli("key", "create")
    sid = re.search(r"(SK[0-9a-f]{32})", out).group(1)
    secret = re.search(r"secret \(shown once\): (\S+)", out).group(1)
    svc = client.chat.v2.services(service.sid)
    ch = svc.channels.create(friendly_name="tokens")
    svc.channels(ch.sid).members.create(identity="tina")

    tok = AccessToken(server.account_sid, sid, secret, identity="tina", ttl=600)
    tok.add_grant(ChatGrant(service_sid=service.sid))
    jwt = tok.to_jwt()
    base = f"{server.url}/v2/Services/{service.sid}/Channels/{ch.sid}/Messages"
    r = requests.post(base, data={"Body": "sent with a token"}, headers={"X-Twilio-Token": jwt})
    assert r.status_code == 201, r.text
    assert r.json()["from"] == "tina", "the author is the token's identity"
    r = requests.get(base, headers={"Authorization": f"Bearer {jwt}"})
    assert r.status_code == 200 and r.json()["messages"][0]["body"] == "sent with a token"

    expired = AccessToken(server.account_sid, sid, secret, identity="tina", ttl=-10)
    expired.add_grant(ChatGrant(service_sid=service.sid))
    r = requests.get(base, headers={"X-Twilio-Token": expired.to_jwt()})
    assert (r.status_code, r.json()["code"]) == (401, 20104)

    forged = AccessToken(server.account_sid, sid, "not-the-secret-" + "x" * 32, identity="tina")
    forged.add_grant(ChatGrant(service_sid=service.sid))
    r = requests.get(base, headers={"X-Twilio-Token": forged.to_jwt()})
    assert (r.status_code, r.json()["code"]) == (401, 20107), "a bad signature has its own code"


def test_api_keys_are_created_listed_renamed_and_revoked_by_the_helper_library(server, client, service):
    account = client.api.v2010.accounts(server.account_sid)
    key = account.new_keys.create(friendly_name="bot")
    assert key.sid.startswith("SK") and key.secret, "the secret comes once, with the create"
    listed = {k.sid: k for k in account.keys.list()}
    assert listed[key.sid].friendly_name == "bot"
    assert listed[key.sid].date_created is not None, "an RFC 2822 date the library parses"
    as_key = client_for(server, key.sid, key.secret)
    assert as_key.chat.v2.services(service.sid).fetch().sid == service.sid
    assert account.keys(key.sid).update(friendly_name="robot").friendly_name == "robot"
    assert account.keys(key.sid).delete() is True
    with pytest.raises(TwilioRestException) as e:
        as_key.chat.v2.services(service.sid).fetch()
    assert e.value.status == 401, "a revoked key stops working at once"
    assert key.sid not in {k.sid for k in account.keys.list()}


def test_webhooks_validate_with_twilios_request_validator(server, client, service):
    import http.server
    import threading
    import time
    import urllib.parse
    from twilio.request_validator import RequestValidator

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            received.append((self.path, self.headers.get("X-Twilio-Signature"), dict(urllib.parse.parse_qsl(body))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/parley/hook"
    try:
        client.chat.v2.services(service.sid).update(post_webhook_url=url, webhook_method="POST")
        ch = client.chat.v2.services(service.sid).channels.create(friendly_name="hooked")
        client.chat.v2.services(service.sid).channels(ch.sid).messages.create(
            body="signed", from_="zoe", x_twilio_webhook_enabled="true"
        )
        for _ in range(50):
            if received:
                break
            time.sleep(0.1)
        assert received, "the post-event webhook was called"
        path, signature, params = received[0]
        assert params["EventType"] == "onMessageSent" and params["Body"] == "signed"
        assert RequestValidator(server.auth_token).validate(url, params, signature), "Twilio's validator accepts it"
        assert not RequestValidator("wrong-token").validate(url, params, signature)
    finally:
        httpd.shutdown()


def _token(server, service_sid, identity):
    out = server.cli("key", "create")
    sid = re.search(r"(SK[0-9a-f]{32})", out).group(1)
    secret = re.search(r"secret \(shown once\): (\S+)", out).group(1)
    tok = AccessToken(server.account_sid, sid, secret, identity=identity, ttl=600)
    tok.add_grant(ChatGrant(service_sid=service_sid))
    return tok.to_jwt()


def test_pre_event_webhooks_reject_and_rewrite_with_a_signature_twilios_validator_accepts(server, client, service):
    import http.server
    import json
    import threading
    import urllib.parse
    from twilio.request_validator import RequestValidator

    received = []

    class Moderator(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            params = dict(urllib.parse.parse_qsl(body))
            received.append((self.headers.get("X-Twilio-Signature"), params))
            if "spam" in params.get("Body", ""):
                self.send_response(403)
                self.end_headers()
                self.wfile.write(b"No spam here")
                return
            out = json.dumps({"body": params.get("Body", "").replace("darn", "d**n")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Moderator)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/moderate"
    try:
        svc = client.chat.v2.services(service.sid)
        svc.update(pre_webhook_url=url, webhook_filters=["onMessageSend"])
        ch = svc.channels.create(friendly_name="moderated")
        svc.channels(ch.sid).members.create(identity="uma")
        jwt = _token(server, service.sid, "uma")
        base = f"{server.url}/v2/Services/{service.sid}/Channels/{ch.sid}/Messages"

        r = requests.post(base, data={"Body": "well darn"}, headers={"X-Twilio-Token": jwt})
        assert r.status_code == 201, r.text
        assert r.json()["body"] == "well d**n", "the hook's rewrite is what is stored"
        signature, params = received[-1]
        assert params["EventType"] == "onMessageSend" and params["ClientIdentity"] == "uma"
        assert RequestValidator(server.auth_token).validate(url, params, signature)

        r = requests.post(base, data={"Body": "buy spam"}, headers={"X-Twilio-Token": jwt})
        assert (r.status_code, r.json()["code"]) == (403, 50056), r.text
        assert "No spam here" in r.json()["message"]

        # REST with account credentials never asks the pre-event hook.
        asked = len(received)
        msg = svc.channels(ch.sid).messages.create(body="spam from the operator")
        assert msg.body == "spam from the operator" and len(received) == asked
        assert [m.body for m in svc.channels(ch.sid).messages.list()] == ["well d**n", "spam from the operator"]
    finally:
        client.chat.v2.services(service.sid).update(pre_webhook_url="")
        httpd.shutdown()


def test_rate_limits_surface_as_twilio_rest_exception_429(client, service):
    svc = client.chat.v2.services(service.sid)
    ch = svc.channels.create(friendly_name="flood")
    sent = 0
    with pytest.raises(TwilioRestException) as e:
        for i in range(400):
            svc.channels(ch.sid).messages.create(body=f"flood {i}")
            sent += 1
    assert (e.value.status, e.value.code) == (429, 50063)
    assert sent >= 150, "a burst of 5 s worth of actions passes first"
    assert len(svc.channels(ch.sid).messages.list()) == sent, "nothing refused was stored"
