"""`Same`: a part of a cache key that equals another only for the very same objects.

Keys made of `id(array)` go wrong when an array is freed and a new one is given its
address: the new pixels then look like the cached ones. `Same` compares by identity and
holds its objects while the key is kept, so no other object can take their ids."""
from __future__ import annotations


class Same:
    __slots__ = ("objects",)

    def __init__(self, *objects):
        self.objects = objects

    def __eq__(self, other) -> bool:
        return (isinstance(other, Same) and len(other.objects) == len(self.objects)
                and all(a is b for a, b in zip(self.objects, other.objects)))

    def __hash__(self) -> int:
        return hash(tuple(id(o) for o in self.objects))

    def __repr__(self) -> str:
        return f"Same({', '.join(hex(id(o)) for o in self.objects)})"
