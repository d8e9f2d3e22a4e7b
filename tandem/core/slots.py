"""Slots: how a lower app asks a question that only a higher app can answer.

Lower apps never import higher ones (docs/architecture.md, "Layers"). Where a lower app
needs an answer that belongs above it (accounts asking where a person goes after signing in,
which programs they are in), it declares the question as a function in a ``slots.py`` of its
own, decorated with :func:`slot` (the body is the answer when nothing fills it) or
:func:`required_slot` (something must fill it), and calls it. The app that knows fills it
once, in its ``AppConfig.ready()``, with ``@the_slot.fill``. The lower app imports only its
own slot; the higher app imports the lower one, as it may.

A slot holds one filler, called with the slot's own signature. A second, different filler is
a configuration error, and so is calling an empty required slot: both fail loudly rather
than answering wrongly.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class Slot[**P, R]:
    """One question a lower app asks, answered by the function a higher app fills in."""

    def __init__(self, question: Callable[P, R], *, required: bool) -> None:
        self.name = f"{question.__module__}.{question.__qualname__}"
        self.__doc__ = question.__doc__
        self._question = question
        self._required = required
        self._filler: Callable[P, R] | None = None

    def fill(self, filler: Callable[P, R]) -> Callable[P, R]:
        """Answer the slot with ``filler`` (usable as a decorator); a second filler is refused."""
        if self._filler is not None and self._filler is not filler:
            raise ImproperlyConfigured(
                f"The slot {self.name} is filled already, by {self._filler.__qualname__}."
            )
        self._filler = filler
        return filler

    @property
    def filled(self) -> bool:
        """Whether an app has answered the slot."""
        return self._filler is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._filler is not None:
            return self._filler(*args, **kwargs)
        if self._required:
            raise ImproperlyConfigured(
                f"Nothing fills the slot {self.name}: is the app that fills it installed?"
            )
        return self._question(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}>"


def slot[**P, R](question: Callable[P, R]) -> Slot[P, R]:
    """Declare a slot whose body answers when no app fills it."""
    return Slot(question, required=False)


def required_slot[**P, R](question: Callable[P, R]) -> Slot[P, R]:
    """Declare a slot that an installed app must fill (its body is never run)."""
    return Slot(question, required=True)
