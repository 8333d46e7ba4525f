"""No wording of an instrument whose licence forbids it is anywhere in the repository.

The phrases to look for are themselves restricted, so this file holds only SHA-256
hashes of distinctive fragments (lower-cased, punctuation removed, single spaces). To
add one: hash the normalised fragment outside the repository and append it here.
Scanned: tracked and untracked .py, .json, .html and .md files, minus ignored ones
and virtual environments.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from measures.instruments import REGISTRY

REPO = Path(__file__).resolve().parents[3]
SUFFIXES = {".py", ".json", ".html", ".md"}
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "var", "__pycache__", "build"}

# (instrument, number of words, sha256 of the normalised fragment)
RESTRICTED: tuple[tuple[str, int, str], ...] = (
    ("dast10", 9, "6735760103da723874b1bfd7f0ca205f34ff535fc05295a81f35756909fbbf7d"),
    ("dast10", 8, "ef1b497627cb4fa35f161fa2ed0608ff8af3a3927e22c5ae39aadf1ed7926ccc"),
    ("dast10", 10, "a08e7bb2f6c45760dedbe1d78f13399668d5b3d07c5583b4425c5774cf7447b2"),
    ("dast10", 9, "1f165670e71702cd294659addd6fbe714b7e9e866986b472d617f06633b68a42"),
    ("dast10", 9, "27492dd4a62e52ee28d10951cc1c320913e3f23ccd5967b5c9947fb5a18f312d"),
    ("dast10", 7, "98f42636b8510954fb6e26fe9cc4d65c15c9dca061d057ed59042670b8e8e425"),
    ("dast10", 9, "0c0256218966a52b962db960b944d691940288af2115096fc83acb59da1f8460"),
    ("dast10", 9, "7f85c683dda0f8dfd4f7d5d41f209b552f788e6a4aa892602ac5586c0d67b197"),
    ("dast10", 9, "e5712e69171376dfcf07d63c33fe41f750b0df15ef7dbcda2f3749bf4ee74524"),
    ("dast10", 10, "53d347c7c60e3fd862ae82fb229e55c0f7f113a44843780c7a0cb5eb60a5428b"),
    ("wsas", 6, "e624e6061afaa03d798b1211d82b9c2c20f46396f9c0cefe6d44a9a271d608d9"),
    ("wsas", 9, "04b5c67afd0fc43d99b134c36f37b5bd98fb8151a8f216a5085a07f69ad7dba7"),
    ("wsas", 8, "ae010e595935bfd2e0d7531af09ba1d62a152dbb62e790192c846d473eac151b"),
    ("wsas", 6, "c891a184ff7036b907c0ab6988498847ef383808db3b28b9e4b718a0cbe9dd9b"),
    ("wsas", 12, "907a71057b595bb81830282423e8cad285e1c812d757781fdd8188b907354297"),
    ("cssrs", 10, "aafefdf45ad11cc3b13f8266f10e7110b707e62ac0d25295374957d085671822"),
    ("cssrs", 7, "f84f9c07bc2f927aab67425f11e52635ee796bceccbdf4a73d70933d777d86f6"),
    ("cssrs", 10, "40b0e9df2ef7573908342adabe66560154e6c9e76e3bff39b1892d796d177357"),
    ("cssrs", 11, "53fe9860b8021b2a15e409335fdf6ce302a6692992d55dfc763a58523923304f"),
    ("cssrs", 14, "9273324cdb0f0c9e2dd605447cc5faaee51f6005feea017d474e010634eb8b31"),
    ("cssrs", 13, "8baf972f7eefc5341bd23f3e55a773505a2f9a9f5db81ae358943cbc9f0f0232"),
    ("iip32", 10, "619e2baea945801475e32380364174722e0291432f528022fc354c7ec5a8dc60"),
    ("iip32", 11, "ff8758cee39aedb4c5c8f349d668fc5ca87025ba0fd37a3a8e3466ec2217170b"),
    ("iip32", 10, "dd7df66017ec528521cdd018cc64e778fa903b09aa642b4c50e9c05ac9c0d222"),
    ("iip32", 12, "743b0ef1abc43ba1b35a8b5a91982c9efc62cd82b395444f1add24e7906c42ea"),
    ("iip32", 10, "b5bd5b47fe4bf57afbdf44e04e0b20d5c14c658f97740a512be835125a21fae2"),
    ("iip32", 9, "fc9d11cdfb286f0b72f83b420bfa12a798d44319520857b0a79ec0261fc1add9"),
    ("iip32", 10, "39cd753f05ced258bc8e471a7cfb70754c7fd4f053bc5a00615c3d5981833aea"),
    ("iip32", 8, "6b34621abca02b8b2b66745eb19abaf482f84c8cfd8d865804208567584d74d5"),
)


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def fragment_hashes(text: str, lengths: Iterable[int]) -> Iterator[tuple[int, str]]:
    """Every run of ``length`` consecutive words, hashed."""
    tokens = words(text)
    for length in set(lengths):
        for start in range(len(tokens) - length + 1):
            fragment = " ".join(tokens[start : start + length])
            yield length, hashlib.sha256(fragment.encode()).hexdigest()


def find_restricted(
    text: str, restricted: Iterable[tuple[str, int, str]] = RESTRICTED
) -> list[str]:
    wanted = {(length, digest): name for name, length, digest in restricted}
    lengths = {length for length, _ in wanted}
    return sorted(
        {wanted[key] for key in fragment_hashes(text, lengths) if key in wanted}
    )


def repository_files() -> list[Path]:
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=REPO,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        paths = [REPO / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        paths = list(REPO.rglob("*"))  # not a git checkout: look at everything
    return [
        path
        for path in paths
        if path.suffix in SUFFIXES
        and path.is_file()
        and not SKIP_DIRS.intersection(path.relative_to(REPO).parts)
    ]


def test_the_scanner_finds_a_planted_fragment(tmp_path: Path) -> None:
    # given a harmless stand-in phrase registered by its hash
    phrase = "the quick brown fox jumps over the lazy dog"
    digest = hashlib.sha256(phrase.encode()).hexdigest()
    planted = "Text: The QUICK brown fox—jumps over\nthe lazy dog, twice."
    # then it is found through case, punctuation and line breaks
    assert find_restricted(planted, [("stand-in", 9, digest)]) == ["stand-in"]
    assert find_restricted("the quick brown fox", [("stand-in", 9, digest)]) == []


def test_every_restricted_instrument_has_fragments_to_look_for() -> None:
    restricted = {i.id for i in REGISTRY.values() if not i.licence.ship_text}
    assert restricted == {name for name, _, _ in RESTRICTED}


def test_the_scan_sees_the_instrument_definitions() -> None:
    scanned = {path.relative_to(REPO).as_posix() for path in repository_files()}
    assert "measures/instruments/dast10.py" in scanned
    assert "docs/instruments.md" in scanned


def test_no_restricted_wording_in_the_repository() -> None:
    found = {}
    for path in repository_files():
        hits = find_restricted(path.read_text(encoding="utf-8", errors="replace"))
        if hits:
            found[path.relative_to(REPO).as_posix()] = hits
    assert found == {}, "restricted item wording found (file: instruments)"
