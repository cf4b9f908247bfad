"""What /subscribe and /unsubscribe make of a chat's categories."""

from __future__ import annotations

from digest.followed_categories import FollowedCategories

EVERY = FollowedCategories()


def test_naming_categories_adds_them_to_a_list() -> None:
    assert FollowedCategories.only(["国际"]).adding(["财经"]) == FollowedCategories(
        ("国际", "财经")
    )


def test_naming_none_follows_every_category_again() -> None:
    assert FollowedCategories(excluded=("财经",)).adding([]) == EVERY
    assert FollowedCategories.only(["国际"]).adding([]) == EVERY


def test_leaving_one_out_of_every_category_keeps_the_others_and_new_ones() -> None:
    assert EVERY.removing(["财经"]) == FollowedCategories(excluded=("财经",))
    assert EVERY.removing(["财经"]).adding(["财经"]) == EVERY  # type: ignore[union-attr]


def test_removing_the_last_of_a_list_leaves_nothing() -> None:
    assert FollowedCategories.only(["国际", "财经"]).removing(["财经"]) == FollowedCategories(
        ("国际",)
    )
    assert FollowedCategories.only(["国际"]).removing(["国际"]) is None
