"""Every real format sample in ../shared/data/formats is read into interactions that score (or, for
the one vCon that holds only audio, quarantined with the reason). The facts asserted here were read
off the files by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.landing import landing_root
from ingest.reader import read_paths
from ingest.source_config import SourceConfig
from scorers.engine import CompiledStandard
from scorers.loader import load_standard

ROOT = Path(__file__).resolve().parents[3]
FORMATS = ROOT.parent / "shared" / "data" / "formats"
pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason="../shared/data is not beside the checkout")

# Who is who, as a deployment would configure it (the Transcribe samples are a read-aloud text).
CONFIG = SourceConfig.model_validate(
    {
        "speakers": {
            "transcribe": {"ch_0": "agent", "ch_1": "customer", "spk_0": "agent", "spk_1": "customer", "spk_2": "customer"},
            "deepgram": {"0": "agent", "1": "customer"},
            "vcon": {"0": "agent", "1": "customer"},
        },
        "defaults": {"language": "en", "channel": "chat", "agent": {"id": "unknown", "type": "human"}},
    }
)

# file -> (format, channel, turns, first speaker, first words, first start_ms)
EXPECTED = {
    "ccai_insights/conversation.json": ("ccai_insights", "chat", 14, "agent", "Hi there, what can I help you with today?", 0),
    "contact_lens/chat_doc_example_raw.json": ("contact_lens", "chat", 31, "system", "Hello, thanks for contacting us.", 0),
    "contact_lens/chat_doc_example_redacted.json": ("contact_lens", "chat", 31, "system", "Hello, thanks for contacting us.", 0),
    "contact_lens/voice_doc_example_raw.json": ("contact_lens", "voice", 10, "agent", "Okay.", 0),
    "contact_lens/voice_doc_example_redacted.json": ("contact_lens", "voice", 10, "agent", "Okay.", 0),
    "contact_lens/voice_postcall_v1.1.0.json": ("contact_lens", "voice", 15, "agent", "Mhm.", 2540),
    "deepgram/diarized_call.json": ("deepgram", "voice", 4, "agent", "Hello. This is example.com. My name is Bob.", 1200),
    "transcribe/02-channel-identification.json": ("transcribe", "voice", 7, "customer", "She was gone out into the village", 490),
    "transcribe/03-speaker-identification.json": ("transcribe", "voice", 7, "agent", "She was gone out into the village", 490),
    "transcribe/05-automatic-content-redaction-with-undredacted-redacted.json": ("transcribe", "voice", 1, "agent", "She was gone out into the village", 490),
    "vcon/ab_call_ext_rec_analysis.vcon": ("vcon", "voice", 4, "agent", "Hello. This is example.com. My name is Bob.", 1200),
    "vcon/ab_call_ext_rec_redacted.vcon": ("vcon", "voice", 18, "agent", "Hello.", 1200),
}


@pytest.fixture(scope="module")
def standard() -> CompiledStandard:
    return CompiledStandard(load_standard(ROOT / "standards" / "eu_core.v2.yaml"))


def _read(name: str, config: SourceConfig = CONFIG):
    root = landing_root(FORMATS)
    return read_paths(root, [root / name], config)


def test_every_sample_is_covered() -> None:
    samples = {p.relative_to(FORMATS).as_posix() for p in FORMATS.rglob("*") if p.is_file() and not p.name.startswith("LICENSE")}
    assert samples == set(EXPECTED) | {"vcon/ab_call_int_rec.vcon"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_reads_into_an_interaction_that_scores(name: str, standard: CompiledStandard) -> None:
    fmt, channel, turns, speaker, words, start = EXPECTED[name]
    day = _read(name)
    assert day.quarantined == [] and len(day.interactions) == 1
    ix = day.interactions[0]
    assert (ix.metadata["format"], ix.channel, ix.language, len(ix.turns)) == (fmt, channel, "en", turns)
    assert (ix.turns[0].speaker, ix.turns[0].start_ms) == (speaker, start) and ix.turns[0].text.startswith(words)
    scored = standard.score(ix)
    assert len(scored.results) == 15 and scored.score.compliance_passed in (True, False)


def test_redacted_samples_keep_the_redaction() -> None:
    chat = _read("contact_lens/chat_doc_example_redacted.json").interactions[0]
    assert chat.metadata["redacted"] and any("[PII]" in t.text for t in chat.turns)
    vcon = _read("vcon/ab_call_ext_rec_redacted.vcon").interactions[0]
    assert vcon.metadata["redacted"] and "This is {{URL}}." in [t.text for t in vcon.turns]


def test_the_audio_only_vcon_is_quarantined_with_the_reason() -> None:
    day = _read("vcon/ab_call_int_rec.vcon")
    assert day.interactions == [] and day.quarantined[0].reason.startswith("vCon has no transcript analysis (only a recording)")


def test_a_missing_speaker_mapping_is_named() -> None:
    day = _read("deepgram/diarized_call.json", SourceConfig(defaults=CONFIG.defaults))
    assert day.interactions == []
    assert day.quarantined[0].reason.startswith("speaker label '0' of a deepgram transcript has no role")
    # This real response diarised the whole two-party call as speaker 0 (76 of 76 words), so Bob's
    # and Alice's lines are one speaker: a diarisation failure no mapping can undo.
    assert "speakers: {deepgram: {'0': ...}}" in day.quarantined[0].reason


def test_contact_lens_voice_timing_scores_silence_and_disclosure(standard: CompiledStandard) -> None:
    ix = _read("contact_lens/voice_doc_example_raw.json").interactions[0]
    results = {r.criterion.id: r.verdict for r in standard.score(ix).results}
    assert results["greeting"].outcome.value == "pass" and results["greeting"].evidence.turn_index == 2  # "Hello. Peter, how can I help you?"
    assert results["recording_disclosure"].outcome.value == "fail"  # no disclosure in this example call
    assert results["no_long_silence"].outcome.value == "pass"
