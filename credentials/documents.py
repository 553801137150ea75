"""The JSON of an OpenBadgeCredential and of a BitstringStatusListCredential, from plain values; no
query, no key. The contexts and types are those of Open Badges 3.0 and VC Data Model 2.0."""
import base64
import gzip

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The Bitstring Status List spec asks for at least 16 KB (131,072 entries), so that a revoked bit
# hides among many (herd privacy).
STATUS_LIST_BITS = 16 * 1024 * 8


def _time(when) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(*, issuer_id: str, name: str, url: str) -> dict:
    return {"id": issuer_id, "type": ["Profile"], "name": name, "url": url}


def open_badge(*, credential_id: str, issuer: dict, subject_id: str, achievement: dict, valid_from,
               valid_until=None, status_entry: dict, name: str) -> dict:
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer,
        "validFrom": _time(valid_from),
        "credentialSubject": {"id": subject_id, "type": ["AchievementSubject"], "achievement": achievement},
        "credentialStatus": status_entry,
    }
    if valid_until is not None:
        document["validUntil"] = _time(valid_until)
    return document


def achievement(*, achievement_id: str, name: str, description: str, criteria: str, alignments: list[dict],
                creator: dict) -> dict:
    """`alignments`: [{"targetName", "targetUrl", "targetCode"}] for each competency the course trains."""
    return {
        "id": achievement_id, "type": ["Achievement"], "achievementType": "Course", "name": name,
        "description": description, "criteria": {"narrative": criteria}, "creator": creator,
        "alignment": [{"type": ["Alignment"], "targetType": "ceterms:Competency", **row} for row in alignments],
    }


def status_entry(*, list_url: str, index: int) -> dict:
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": list_url}


def encode_bits(indices, size: int = STATUS_LIST_BITS) -> str:
    """The spec's encodedList: the bitstring (index 0 is the first byte's highest bit) gzipped, in
    base64url without padding, with the multibase prefix "u"."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def bit_is_set(encoded: str, index: int) -> bool:
    """Read one bit of an encodedList (what a verifier does with the published list)."""
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase string")
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    if index // 8 >= len(bits):
        raise ValueError("index beyond the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list(*, list_url: str, issuer: dict, valid_from, encoded: str) -> dict:
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _time(valid_from),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encoded},
    }
