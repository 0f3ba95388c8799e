"""osTicket's Crypto::decrypt (include/class.crypto.php), for the SMTP passwords it stores encrypted.

Stored form: ``$<library>$`` + base64(``$<cipher>$`` + iv + ciphertext). The key is the first 16 bytes of
HMAC-SHA512(key=iv, message=SECRET_SALT + md5_hex(subkey)); the cipher is AES-128-CBC with PKCS#7 padding for the
OpenSSL (2) and phpseclib (3) libraries, and zero padding for the old mcrypt one (1).
"""

import base64
import binascii
import hashlib
import hmac

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_MCRYPT, _OPENSSL, _PHPSECLIB = "1", "2", "3"
_IV_LENGTH = 16


class CannotDecrypt(ValueError):
    """The value is not osTicket ciphertext, or the salt or subkey is not the one it was encrypted with."""


def decrypt(stored, secret_salt, subkey):
    if not stored or not stored.startswith("$") or not secret_salt:
        raise CannotDecrypt("no osTicket ciphertext or no SECRET_SALT")
    _, library, encoded = stored.split("$", 2)
    if library not in (_MCRYPT, _OPENSSL, _PHPSECLIB):
        raise CannotDecrypt(f"unknown osTicket crypto library ${library}$")
    try:
        raw = base64.b64decode(encoded, validate=False)
    except binascii.Error as exc:
        raise CannotDecrypt("ciphertext is not base64") from exc
    # Inner tag: the cipher within the library; every library has only cipher 1 (AES-128-CBC).
    if not raw.startswith(b"$1$") or len(raw) < 3 + _IV_LENGTH + 16:
        raise CannotDecrypt("ciphertext has no cipher tag or is too short")
    iv, ciphertext = raw[3 : 3 + _IV_LENGTH], raw[3 + _IV_LENGTH :]
    message = secret_salt.encode() + hashlib.md5(subkey.encode(), usedforsecurity=False).hexdigest().encode()
    key = hmac.new(iv, message, hashlib.sha512).digest()[:16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    if library == _MCRYPT:
        return padded.rstrip(b"\0").decode("utf-8", "replace")
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except ValueError as exc:  # bad padding or bytes: another salt or subkey
        raise CannotDecrypt("wrong SECRET_SALT (or the account's username changed since it was saved)") from exc
