"""One list of probation regions and their PDUs: choosing from it, and maintaining it.

Reviews and leadership accounts store names (the API's `region` and `pdu`); `check_area`
and `check_region` turn what a person or client sent into the canonical names, matching
exactly or ignoring case, punctuation and runs of spaces, and refuse (422) anything not on
the list, naming the valid choices. A retired PDU is refused for a new choice but stays
valid on a review that already has it.

Admins add regions and PDUs, rename them (the reviews and accounts that carry the old name
follow), retire and restore PDUs (never delete: a name in use stays), and map the values
not on the list (free text from before migration 0016) onto it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from sqlalchemy import func, select, tuple_, update

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Pdu, Region, Review, User
from sfo_review.regions_data import match_key
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import NotFound, ValidationFailed
from sfo_review.services.figures import cache as figures_cache
from sfo_review.services.reports import versions as content_versions

ADMIN_ONLY = "Only admins can change the list of regions and PDUs."
GONE = "Nothing has that value now: it may have been mapped already"


# ---- Reading the list --------------------------------------------------------------------


def all_regions() -> list[Region]:
    """Every region by name, with its PDUs (by name) loaded."""
    from sqlalchemy.orm import selectinload

    query = select(Region).options(selectinload(Region.pdus)).order_by(Region.name)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class _Listed:
    """A region on the list and its PDUs (name, retired), by name: read as plain rows."""

    name: str
    pdus: tuple[tuple[str, bool], ...]


def _listed() -> list[_Listed]:
    """Every region by name with its PDUs by name, in one query of plain rows (no objects
    loaded): what the forms' options, the checks of a typed area and the API's list read."""
    query = (
        select(Region.name, Pdu.name, Pdu.retired)
        .outerjoin(Pdu, Pdu.region_id == Region.id)
        .order_by(Region.name, Pdu.name)
    )
    found: dict[str, list[tuple[str, bool]]] = {}
    for region, pdu, retired in db.session.execute(query):
        pdus = found.setdefault(region, [])
        if pdu is not None:
            pdus.append((pdu, bool(retired)))
    return [_Listed(name, tuple(pdus)) for name, pdus in found.items()]


def listing() -> list[dict[str, Any]]:
    """`GET /api/v1/regions`: each region with its PDUs (retired ones flagged)."""
    return [
        {"name": r.name, "pdus": [{"name": p, "retired": retired} for p, retired in r.pdus]}
        for r in _listed()
    ]


def region_names() -> list[str]:
    return list(db.session.scalars(select(Region.name).order_by(Region.name)))


AREAS_KEY = "_listed_areas"


def areas() -> list[tuple[str, str]]:
    """Every (region, PDU) pair on the list, retired PDUs included (filters still find them).
    Read once per request (a page's filter forms each ask); a change to the list forgets it."""
    if has_request_context() and AREAS_KEY in g:
        return list(g.get(AREAS_KEY))
    query = select(Region.name, Pdu.name).join(Pdu.region).order_by(Region.name, Pdu.name)
    found = [(r, p) for r, p in db.session.execute(query)]
    if has_request_context():
        setattr(g, AREAS_KEY, found)
    return list(found)


def _forget() -> None:
    """After a change to the list: the next `areas()` reads it again."""
    if has_request_context():
        g.pop(AREAS_KEY, None)


def open_areas() -> list[tuple[str, list[str]]]:
    """The regions with the PDUs that can be chosen now (not retired): the forms' options."""
    return [(r.name, [p for p, retired in r.pdus if not retired]) for r in _listed()]


# ---- Choosing from the list --------------------------------------------------------------


def _names(values: list[str]) -> str:
    return ", ".join(values)


def _region_named(text: str) -> _Listed | None:
    key = match_key(text)
    if not key:
        return None
    for region in _listed():
        if match_key(region.name) == key:
            return region
    return None


def check_region(text: str | None, field: str = "region") -> str:
    """The canonical name of the region `text` names; 422 listing the regions otherwise."""
    region = _region_named(text or "")
    if region is None:
        raise ValidationFailed(
            {field: [f"Choose a region from the list: {_names(region_names())}"]}
        )
    return region.name


def check_area(
    region_text: str, pdu_text: str, keep: tuple[str, str] | None = None
) -> tuple[str, str]:
    """The canonical (region, PDU) names for what was sent; 422 for a region or PDU not on
    the list, or a PDU not in that region, listing the valid names. `keep`: the pair the
    review has now, accepted even when its PDU has since been retired."""
    if keep is not None and (region_text, pdu_text) == keep:
        return keep
    region = _region_named(region_text)
    if region is None:
        raise ValidationFailed(
            {"region": [f"Choose a region from the list: {_names(region_names())}"]}
        )
    key = match_key(pdu_text)
    for pdu, retired in region.pdus:
        if match_key(pdu) == key and key:
            if retired and (region.name, pdu) != keep:
                break
            return region.name, pdu
    open_pdus = [p for p, retired in region.pdus if not retired]
    raise ValidationFailed(
        {"pdu": [f"Choose a PDU of {region.name} from the list: {_names(open_pdus)}"]}
    )


# ---- Values not on the list --------------------------------------------------------------


@dataclass(frozen=True)
class Unresolved:
    """A value found in the data that is not on the list, and how many rows carry it."""

    kind: str  # "region" (reviews' and leadership accounts' regions) | "pdu"
    region: str  # the region as stored (for a PDU: the review's region)
    pdu: str  # the PDU as stored ("" for a region)
    reviews: int
    accounts: int


def unresolved() -> list[Unresolved]:
    """Regions (of reviews and accounts) not on the list, then reviews' PDUs not on the list
    for their (listed) region. A few grouped queries on the reviews' region/PDU index."""
    known = set(region_names())
    by_review = (
        select(Review.region, func.count())
        .where(Review.region.not_in(known))
        .group_by(Review.region)
    )
    reviews: dict[str, int] = {str(r): int(n) for r, n in db.session.execute(by_review)}
    by_account = (
        select(User.region, func.count())
        .where(User.region.is_not(None), User.region.not_in(known))
        .group_by(User.region)
    )
    accounts: dict[str, int] = {str(r): n for r, n in db.session.execute(by_account)}
    found = [
        Unresolved("region", r, "", reviews.get(r, 0), accounts.get(r, 0))
        for r in sorted(reviews.keys() | accounts.keys())
    ]
    pairs = select(Region.name, Pdu.name).join(Pdu.region)
    by_pdu = (
        select(Review.region, Review.pdu, func.count())
        .where(Review.region.in_(known))
        .where(tuple_(Review.region, Review.pdu).not_in(pairs))
        .group_by(Review.region, Review.pdu)
        .order_by(Review.region, Review.pdu)
    )
    found += [Unresolved("pdu", r, p, n, 0) for r, p, n in db.session.execute(by_pdu)]
    return found


@use_case
def resolve_region(actor: User, data: dict[str, Any]) -> int:
    """Map a region not on the list (`value`) to one on it (`region`): every review and
    leadership account with that value gets the listed name. Returns the rows changed."""
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    values = v.clean(data, {"value": v.short("value"), "region": v.short("region")})
    target = check_region(values["region"])
    if values["value"] in region_names():
        raise ValidationFailed({"value": ["That region is already on the list"]})
    changed = _rename_region_rows(values["value"], target)
    if changed == 0:
        raise ValidationFailed({"region": [GONE]})
    audit(
        None,
        actor,
        "region.resolved",
        f"Mapped the region “{values['value']}” to {target} ({changed} rows)",
        {"from": values["value"], "to": target},
    )
    return changed


@use_case
def resolve_pdu(actor: User, data: dict[str, Any]) -> int:
    """Map a review PDU not on the list (`region` + `value` as stored) to a listed PDU of
    that region (`pdu`). Returns the number of reviews changed."""
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    rules = {"region": v.short("region"), "value": v.short("value"), "pdu": v.short("PDU")}
    values = v.clean(data, rules)
    region, pdu = check_area(values["region"], values["pdu"])
    result = db.session.execute(
        update(Review)
        .where(Review.region == values["region"], Review.pdu == values["value"])
        .values(region=region, pdu=pdu, **content_versions.moved())  # printed in its PDFs
        .execution_options(synchronize_session=False)
    )
    changed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if changed == 0:
        raise ValidationFailed({"pdu": [GONE]})
    figures_cache.bump()  # a Core update passes by the ORM's listener: the figures change
    audit(
        None,
        actor,
        "pdu.resolved",
        f"Mapped the PDU “{values['value']}” of {values['region']} to {pdu} ({changed} reviews)",
        {"region": values["region"], "from": values["value"], "to": pdu},
    )
    return changed


def _rename_region_rows(old: str, new: str) -> int:
    changed = 0
    for model in (Review, User):
        # a review's region prints in its PDFs: their content version moves with it
        moves = content_versions.moved() if model is Review else {}
        result = db.session.execute(
            update(model)
            .where(model.region == old)
            .values(region=new, **moves)
            .execution_options(synchronize_session=False)
        )
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    figures_cache.bump()  # the reviews' region changed behind the ORM: the figures change
    return changed


# ---- Maintaining the list ----------------------------------------------------------------

NAME_RULES: dict[str, v.Rule] = {"name": v.short("name")}


def get_region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound()
    return region


def get_pdu(pdu_id: int) -> Pdu:
    pdu = db.session.get(Pdu, pdu_id)
    if pdu is None:
        raise NotFound()
    return pdu


def _new_name(data: dict[str, Any], taken: list[str], what: str) -> str:
    name = " ".join(v.clean(data, NAME_RULES)["name"].split())
    if any(match_key(name) == match_key(t) for t in taken):
        raise ValidationFailed({"name": [f"There is already a {what} called {name}"]})
    if not match_key(name):
        raise ValidationFailed({"name": ["Enter a name with letters or digits"]})
    return name


@use_case
def add_region(actor: User, data: dict[str, Any]) -> Region:
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    _forget()
    region = Region(name=_new_name(data, region_names(), "region"))
    db.session.add(region)
    db.session.flush()
    audit(None, actor, "region.added", f"Added the region {region.name}")
    return region


@use_case
def add_pdu(actor: User, region: Region, data: dict[str, Any]) -> Pdu:
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    _forget()
    name = _new_name(data, [p.name for p in region.pdus], f"PDU in {region.name}")
    pdu = Pdu(name=name, region=region, retired=False)
    db.session.add(pdu)
    db.session.flush()
    audit(None, actor, "pdu.added", f"Added the PDU {name} to {region.name}")
    return pdu


@use_case
def rename_region(actor: User, region: Region, data: dict[str, Any]) -> Region:
    """Rename a region; its reviews and leadership accounts carry the new name."""
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    _forget()
    others = [n for n in region_names() if n != region.name]
    old, new = region.name, _new_name(data, others, "region")
    if new != old:
        region.name = new
        db.session.flush()
        _rename_region_rows(old, new)
        audit(None, actor, "region.renamed", f"Renamed the region {old} to {new}")
    return region


@use_case
def rename_pdu(actor: User, pdu: Pdu, data: dict[str, Any]) -> Pdu:
    """Rename a PDU; the reviews in it carry the new name."""
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    _forget()
    others = [p.name for p in pdu.region.pdus if p.id != pdu.id]
    old, new = pdu.name, _new_name(data, others, f"PDU in {pdu.region.name}")
    if new != old:
        pdu.name = new
        db.session.flush()
        db.session.execute(
            update(Review)
            .where(Review.region == pdu.region.name, Review.pdu == old)
            .values(pdu=new, **content_versions.moved())  # printed in their PDFs
            .execution_options(synchronize_session=False)
        )
        figures_cache.bump()  # as resolve_pdu: the reviews' PDU changed behind the ORM
        audit(None, actor, "pdu.renamed", f"Renamed the PDU {old} ({pdu.region.name}) to {new}")
    return pdu


@use_case
def set_pdu_retired(actor: User, pdu: Pdu, retired: bool) -> Pdu:
    """Retire a PDU (no longer offered; the reviews in it keep it) or bring it back."""
    require_permission(perm.can_manage_regions(actor), ADMIN_ONLY)
    _forget()
    if pdu.retired != retired:
        pdu.retired = retired
        verb = "Retired" if retired else "Restored"
        action = "pdu.retired" if retired else "pdu.restored"
        audit(None, actor, action, f"{verb} the PDU {pdu.name} ({pdu.region.name})")
    return pdu
