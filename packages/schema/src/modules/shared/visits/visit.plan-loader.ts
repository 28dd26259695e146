// Loads a visit's whole plan as plain data (visit.plan.ts) in one Prisma query: what plan checks
// read and what a plan version freezes. Arrays are sorted so that snapshots compare stably.
import type { Db, Prisma } from '@jiedai/db';
import type { VisitPlan } from './visit.plan.ts';
import { VisitError } from './visit.errors.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const day = (d: Date) => d.toISOString().slice(0, 10);
const money = (d: Prisma.Decimal | null) => (d === null ? null : d.toFixed(2));
const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
const ids = (rows: { guestId: string }[]) => rows.map((r) => r.guestId).sort();

export async function loadPlan(db: Db, visitId: string): Promise<VisitPlan> {
  const v = await db.visit.findUnique({
    where: { id: visitId },
    include: {
      tenant: { select: { timeZone: true } },
      guests: { include: { dietaryRestrictions: true } },
      contacts: true,
      travelLegs: true,
      hosts: { include: { membership: { include: { user: { select: { displayName: true } }, rank: { select: { level: true } } } } } },
      itinerary: true,
      lodgings: { include: { rooms: { include: { guests: true } } } },
      meals: { include: { guests: true, dishes: true } },
      vehicles: { include: { guests: true } },
      gifts: { include: { recipients: true } },
      budgetLines: true,
    },
  });
  if (!v) throw new VisitError('NOT_FOUND', 'No such visit');
  return {
    id: v.id,
    title: v.title,
    purpose: v.purpose,
    status: v.status,
    receptionLevel: v.receptionLevel,
    visitingOrganization: v.visitingOrganization,
    startsAt: v.startsAt.toISOString(),
    endsAt: v.endsAt.toISOString(),
    timeZone: v.tenant.timeZone,
    includesImportantLeader: v.includesImportantLeader,
    guests: byId(v.guests).map((g) => ({
      id: g.id,
      name: g.name,
      gender: g.gender,
      ethnicity: g.ethnicity,
      title: g.title,
      rankLevel: g.rankLevel,
      organization: g.organization,
      unit: g.unit,
      principalOrder: g.principalOrder,
      dietaryRestrictions: byId(g.dietaryRestrictions).map((r) => ({ id: r.id, category: r.category, restricted: r.restricted, note: r.note })),
    })),
    contacts: byId(v.contacts).map((c) => ({ id: c.id, name: c.name, phone: c.phone, role: c.role })),
    travel: byId(v.travelLegs).map((l) => ({
      id: l.id,
      direction: l.direction,
      mode: l.mode,
      origin: l.origin,
      destination: l.destination,
      departureAt: iso(l.departureAt),
      arrivalAt: iso(l.arrivalAt),
      vehicleType: l.vehicleType,
      plate: l.plate,
      driverCount: l.driverCount,
      actualDepartureAt: iso(l.actualDepartureAt),
      expectedArrivalAt: iso(l.expectedArrivalAt),
    })),
    hosts: byId(v.hosts).map((h) => ({
      id: h.id,
      membershipId: h.membershipId,
      displayName: h.membership.user.displayName,
      role: h.role,
      rankLevel: h.membership.rank?.level ?? null,
      unit: h.unit,
      rankExplanation: h.rankExplanation,
    })),
    itinerary: byId(v.itinerary).map((i) => ({
      id: i.id,
      kind: i.kind,
      title: i.title,
      startsAt: i.startsAt.toISOString(),
      endsAt: i.endsAt.toISOString(),
      place: i.place,
      responsibleMembershipId: i.responsibleMembershipId,
    })),
    lodgings: byId(v.lodgings).map((l) => ({
      id: l.id,
      hotelName: l.hotelName,
      checkIn: day(l.checkIn),
      checkOut: day(l.checkOut),
      rooms: byId(l.rooms).map((r) => ({
        id: r.id,
        floor: r.floor,
        number: r.number,
        roomType: r.roomType,
        isSpare: r.isSpare,
        guestIds: ids(r.guests),
        inspectedAt: iso(r.inspectedAt),
        unfitReason: r.unfitReason,
      })),
    })),
    meals: byId(v.meals).map((m) => ({
      id: m.id,
      kind: m.kind,
      startsAt: m.startsAt.toISOString(),
      place: m.place,
      alcoholServed: m.alcoholServed,
      guestIds: m.wholeDelegation ? null : ids(m.guests),
      dishes: byId(m.dishes).map((d) => ({ id: d.id, name: d.name, tags: [...d.tags].sort() })),
    })),
    vehicles: byId(v.vehicles).map((x) => ({
      id: x.id,
      kind: x.kind,
      seats: x.seats,
      plate: x.plate,
      driverName: x.driverName,
      driverBriefed: x.driverBriefed,
      checkedAt: iso(x.checkedAt),
      guestIds: ids(x.guests),
    })),
    gifts: byId(v.gifts).map((g) => ({
      id: g.id,
      item: g.item,
      value: money(g.value),
      tags: [...g.tags].sort(),
      recipientGuestIds: ids(g.recipients),
    })),
    budget: byId(v.budgetLines).map((b) => ({
      id: b.id,
      category: b.category,
      description: b.description,
      planned: money(b.planned)!,
      actual: money(b.actual),
      payableAt: iso(b.payableAt),
    })),
  };
}
