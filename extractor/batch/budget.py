"""A spending cap for one night: no new work starts once what has been spent, what is in
flight and what the next article would cost could pass the cap.

Each article is charged its estimate when it starts (input tokens from the request, a
typical report's output tokens) and corrected to the provider's reported usage when it ends,
so the cap holds with several requests in flight. Work not started stays pending for the
next night; nothing is marked failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.config import Settings
from extractor.errors import ConfigError, Usage


@dataclass
class Budget:
    cap: float  # US dollars
    settings: Settings
    factor: float = 1.0  # the Batch API bills half
    spent: float = 0.0  # from reported usage
    reserved: dict[str, float] = field(default_factory=dict)  # in flight, by article id
    reached: bool = False

    @classmethod
    def of(cls, settings: Settings, cap: float | None, *, factor: float = 1.0) -> Budget | None:
        """The night's budget, or None without a cap. A model with no known price cannot be
        held to a cap: that is refused before anything is sent."""
        if cap is None:
            return None
        if settings.price_of() is None:
            raise ConfigError(
                f"a budget needs the price of {settings.model!r}: add it to EXTRACTOR_PRICES "
                '(JSON {"model": [usd_per_1M_input, usd_per_1M_output]})'
            )
        return cls(cap, settings, factor)

    def start(self, article_id: str, input_tokens: int, output_tokens: int) -> bool:
        """Reserve an article's estimated cost; False (and the budget reached) if it would
        pass the cap."""
        estimate = self._cost(Usage(input_tokens, output_tokens))
        if self.spent + sum(self.reserved.values()) + estimate > self.cap:
            self.reached = True
            return False
        self.reserved[article_id] = estimate
        return True

    def end(self, article_id: str, usage: Usage) -> float:
        """Replace the article's estimate with what it really cost; returns that cost."""
        self.reserved.pop(article_id, None)
        cost = self._cost(usage)
        self.spent += cost
        return cost

    def _cost(self, usage: Usage) -> float:
        return self.factor * (self.settings.cost(usage.input_tokens, usage.output_tokens) or 0.0)
