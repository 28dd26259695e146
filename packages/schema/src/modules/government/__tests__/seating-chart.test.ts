// The SVG charts read back: every seat where the rules put it (the host at the top facing the door at the bottom,
// the first principal guest on the host's right — the chart's left), names in Chinese, on one A4 page.
import { describe, expect, it } from 'vitest';
import { type ProtocolPerson, proposeBanquetSeating } from '../banquet-seating.rules.ts';
import { seatVehicle } from '../car-seating.rules.ts';
import { banquetTableSvg, vehicleSvg } from '../seating-chart.ts';

/** The <g class="seat"> elements of a chart with their data-* attributes and texts. */
function readSeats(svg: string) {
  return [...svg.matchAll(/<g class="seat" ([^>]*)>(.*?)<\/g>/g)].map(([, attrs, inner]) => {
    const data: Record<string, string> = Object.fromEntries([...attrs!.matchAll(/data-([a-z-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
    const texts = Object.fromEntries([...inner!.matchAll(/<text class="([a-z-]+)"[^>]*>([^<]*)<\/text>/g)].map(([, k, v]) => [k!, v!]));
    return { seat: data.seat, rule: data.rule, x: Number(data.x), y: Number(data.y), name: texts.name ?? null, rank: texts.rank ?? null };
  });
}

const guest = (n: number, name: string, title?: string): ProtocolPerson => ({ id: `g${n}`, name, side: 'GUEST', order: n, title: title ?? null });
const ours = (n: number, name: string, rankName?: string): ProtocolPerson => ({ id: `h${n}`, name, side: 'HOST', order: n, rankName: rankName ?? null });

describe('seating charts', () => {
  it('draws a banquet table: the host at the top facing the door, the first guest on his right, the second on his left', () => {
    const plan = proposeBanquetSeating({
      tables: 1,
      seatsPerTable: 10,
      guests: [guest(1, '王厅长', '厅长'), guest(2, '李处长'), guest(3, '张科长')],
      hosts: [ours(1, '赵市长', '厅局级正职'), ours(2, '孙秘书长')],
    });
    const svg = banquetTableSvg(plan, 1, { title: '欢迎宴会 <迎宾馆>' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="210mm" height="297mm" viewBox="0 0 210 297"/);
    expect(svg).toContain('欢迎宴会 &lt;迎宾馆&gt;');
    const seats = readSeats(svg);
    expect(seats).toHaveLength(10);
    const of = (name: string) => seats.find((s) => s.name === name)!;
    const host = of('赵市长');
    expect(host.rank).toBe('厅局级正职');
    expect(host.rule).toBe('HOST_FACES_DOOR');
    // The host is the topmost seat; the door is drawn below the table.
    expect(Math.min(...seats.map((s) => s.y))).toBe(host.y);
    const door = /<g class="door"><rect x="[\d.]+" y="([\d.]+)"/.exec(svg);
    expect(Number(door![1])).toBeGreaterThan(Math.max(...seats.map((s) => s.y)));
    // Facing the door (down the page), the host's right hand is the page's left.
    const first = of('王厅长');
    const second = of('李处长');
    expect(first.x).toBeLessThan(host.x);
    expect(second.x).toBeGreaterThan(host.x);
    // Both next to the host: nearer than any other seat.
    const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
    const others = seats.filter((s) => s !== host && s !== first && s !== second);
    for (const s of others) expect(dist(s, host)).toBeGreaterThan(dist(first, host) - 1e-9);
    expect(dist(first, host)).toBeCloseTo(dist(second, host), 6);
    // Every seat on the page.
    for (const s of seats) {
      expect(s.x).toBeGreaterThan(0);
      expect(s.x).toBeLessThan(210);
      expect(s.y).toBeGreaterThan(0);
      expect(s.y).toBeLessThan(297);
    }
  });

  it('draws a car: the guest back right, the leader back left, staff beside the driver, the driver front left', () => {
    const car = seatVehicle({ id: 'v1', kind: 'SEDAN', seats: 4 }, [
      { ...guest(1, '王厅长'), role: 'GUEST' },
      { ...ours(1, '赵市长'), role: 'LEADER' },
      { ...ours(2, '小刘'), role: 'STAFF' },
    ]);
    const svg = vehicleSvg(car, { title: '乘车座次', plate: '京A·12345', driverName: '刘师傅' });
    const seats = readSeats(svg);
    const of = (name: string) => seats.find((s) => s.name === name)!;
    const driver = /<g class="driver" data-x="([\d.]+)" data-y="([\d.]+)"/.exec(svg)!;
    const [dx, dy] = [Number(driver[1]), Number(driver[2])];
    expect(svg).toContain('刘师傅');
    // The front is at the top of the page; the vehicle's right is the page's right.
    expect(of('小刘')).toMatchObject({ seat: 'FRONT_RIGHT', y: dy });
    expect(of('小刘').x).toBeGreaterThan(dx);
    expect(of('王厅长').seat).toBe('BACK_RIGHT');
    expect(of('王厅长').y).toBeGreaterThan(dy);
    expect(of('王厅长').x).toBeGreaterThan(of('赵市长').x);
    expect(of('赵市长').seat).toBe('BACK_LEFT');
  });

  it('fits a coach of 45 on the page', () => {
    const people = Array.from({ length: 45 }, (_, i) => ({ ...guest(i + 1, `宾客${i + 1}`), role: 'GUEST' as const }));
    const seats = readSeats(vehicleSvg(seatVehicle({ id: 'bus', kind: 'COACH', seats: 45 }, people), { title: '大客车' }));
    expect(seats).toHaveLength(45);
    for (const s of seats) expect(s.y).toBeLessThan(297);
  });
});
