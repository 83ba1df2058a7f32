"""How to read a source: where the day's files are, which format, who is who, what they lack.

Transcripts from speech-analytics platforms rarely say everything the canonical interaction needs:
Transcribe and Deepgram label speakers `spk_0` or `0`, not agent and customer; few carry the agent's
id or the language. The source configuration (YAML, validated like a standard) fills that in:

```yaml
layout: "{date}/*"                 # files of a day, relative to the landing root
speakers:                          # per format: speaker label -> role
  transcribe: {ch_0: agent, ch_1: customer}
  deepgram: {"0": agent, "1": customer}
defaults: {language: en, channel: voice, agent: {id: unknown, type: human}}
metadata: "{date}/_metadata.csv"   # per-day CSV or JSON Lines joined by interaction_id
max_quarantine_share: 0.5          # a day with more quarantined records fails loudly
non_speech:                        # this source's own non-speech markup, besides the common ones
  patterns: ['\*\*[a-z]+\*\*']        # e.g. **cough**; `defaults: false` drops the common ones
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from foundation.errors import TouchstoneError
from ingest.markup import NonSpeech

Role = Literal["agent", "bot", "customer", "system"]
DEFAULT_LAYOUT = "{date}/*"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Defaults(_Strict):
    """Values for fields a format does not carry; the transcript's own values and metadata win."""

    language: Literal["en", "de", "sv", "fr"] | None = None
    channel: Literal["voice", "chat"] | None = None
    agent: dict[str, Any] | None = None


class SourceConfig(_Strict):
    layout: str | list[str] = DEFAULT_LAYOUT
    speakers: dict[str, dict[str, Role]] = Field(default_factory=dict)
    defaults: Defaults = Defaults()
    metadata: str | None = "{date}/_metadata.*"
    max_quarantine_share: float = Field(default=0.5, ge=0, le=1)
    # Markup in this source's transcripts that nobody said (see `scorers.listening`).
    non_speech: NonSpeech = NonSpeech()

    @property
    def layouts(self) -> list[str]:
        return [self.layout] if isinstance(self.layout, str) else list(self.layout)


def load_source_config(path: Path | None) -> SourceConfig:
    """The source configuration in `path`, or the defaults when there is none."""
    if path is None:
        return SourceConfig()
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}
        return SourceConfig.model_validate(data)
    except (OSError, MarkedYAMLError) as exc:
        raise TouchstoneError(f"{path}: cannot read the source configuration: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
        raise TouchstoneError(f"{path}: invalid source configuration: {problems}") from None
