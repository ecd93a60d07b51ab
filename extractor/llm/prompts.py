"""Prompt versions: each is a YAML file in prompts/ (id, notes, system, user, examples), loaded
into a frozen Prompt whose content hash joins every cache key and every stored result."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from extractor.errors import PromptError

ARTICLE_SLOT = "{{article}}"


@dataclass(frozen=True)
class Example:
    article: str
    report: str  # the expected MeetingReport as JSON text


@dataclass(frozen=True)
class Prompt:
    id: str
    system: str
    user: str
    notes: str = ""
    examples: tuple[Example, ...] = ()

    @functools.cached_property  # read on every call's cache key
    def hash(self) -> str:
        """Identity of what the model sees; notes do not change it."""
        content = {
            "system": self.system,
            "user": self.user,
            "examples": [[e.article, e.report] for e in self.examples],
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def render(self, article: str) -> list[dict[str, str]]:
        """Chat messages: system (with worked examples), then the article inside the template."""
        system = self.system.strip()
        for number, example in enumerate(self.examples, start=1):
            system += (
                f"\n\nWorked example {number}.\nArticle:\n<<<\n{example.article.strip()}\n>>>\n"
                f"Report:\n{example.report.strip()}"
            )
        # str.replace, not format(): articles contain braces and must never be interpreted.
        user = self.user.replace(ARTICLE_SLOT, article)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _text(data: dict, field: str) -> str:
    value = data[field]
    if not isinstance(value, (str, int)):  # "system: null" must not become the text "None"
        raise TypeError(f"{field!r} must be text, not {type(value).__name__}")
    return str(value)


def prompts_dir() -> Path:
    return Path(str(resources.files("extractor.prompt_files")))


def available() -> list[str]:
    return sorted(path.stem for path in prompts_dir().glob("*.yaml"))


def load(name: str) -> Prompt:
    """Load a prompt by id (a file in prompts/) or by path to a YAML file."""
    path = Path(name) if name.endswith((".yaml", ".yml")) else prompts_dir() / f"{name}.yaml"
    if not path.is_file():
        raise PromptError(f"no prompt {name!r}; available: {', '.join(available()) or 'none'}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        prompt = Prompt(
            id=_text(data, "id"),
            system=_text(data, "system"),
            user=_text(data, "user"),
            notes=str(data.get("notes") or ""),
            examples=tuple(
                Example(article=_text(e, "article"), report=_text(e, "report"))
                for e in data.get("examples") or ()
            ),
        )
    except (yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as error:
        raise PromptError(f"prompt file {path} is malformed: {error}") from None
    if ARTICLE_SLOT not in prompt.user:
        raise PromptError(f"prompt {prompt.id!r}: the user template lacks {ARTICLE_SLOT}")
    return prompt
