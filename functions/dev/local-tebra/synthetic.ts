// Seeded randomness and invented names for the synthetic practice. Names are made up from
// lists of given names and surname syllables; phones are in 555-0100–0199, the range set
// aside for fiction; emails are under example.test. None of it describes a real person.

/** cyrb53: a small, well-mixed 53-bit string hash. */
function hash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A mulberry32 generator for one key: numbers in [0, 1). */
export class Random {
  private state: number;

  constructor(seed: number, key: string) {
    this.state = hash(`${seed}|${key}`) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  hex(length: number): string {
    let out = "";
    while (out.length < length) out += this.int(16).toString(16);
    return out;
  }
}

// prettier-ignore
export const GIVEN_FEMALE = [
  "Ada", "Beatrix", "Celia", "Delphine", "Edith", "Flora", "Greta", "Hazel", "Iris",
  "Juniper", "Kira", "Lorna", "Maren", "Nell", "Opal", "Petra", "Rosalind", "Sabine",
  "Tamsin", "Verity", "Wren", "Yara", "Zelda", "Marisol", "Noor", "Aiko",
];
// prettier-ignore
export const GIVEN_MALE = [
  "Alden", "Bram", "Cyrus", "Dorian", "Emrys", "Felix", "Gideon", "Hollis", "Ignatius",
  "Jasper", "Kit", "Lucan", "Milo", "Nico", "Orrin", "Percival", "Quincy", "Rafferty",
  "Silas", "Tobiah", "Ulric", "Vaughn", "Wystan", "Xander", "Ezekiel", "Tariq",
];
// prettier-ignore
const SURNAME_HEAD = [
  "Ash", "Bram", "Cal", "Dun", "Ell", "Fen", "Gar", "Hol", "Ing", "Kest", "Lan", "Mor",
  "Nor", "Ost", "Pem", "Quen", "Rath", "Sel", "Tor", "Vel", "Wyn", "Yar", "Thorn", "Brack",
];
// prettier-ignore
const SURNAME_TAIL = [
  "bury", "crest", "dale", "field", "ford", "gate", "holm", "ley", "mere", "more", "ridge",
  "stead", "ton", "vale", "well", "wick", "wood", "brook",
];
// prettier-ignore
export const STREETS = [
  "Maple", "Cedar", "Harbor", "Willow", "Juniper", "Orchard", "Quarry", "Birch",
];
// prettier-ignore
export const NOTES = [
  "Bring current medication list", "Follow-up on labs & vitals",
  "Patient prefers morning calls", "Fasting < 8 hours; reschedule if not",
  "Interpreter requested", "Needs wheelchair access",
];

export function surname(random: Random): string {
  const name = random.pick(SURNAME_HEAD) + random.pick(SURNAME_TAIL);
  // Apostrophes and hyphens test the client's escaping and the board's display.
  if (random.chance(0.05)) return `O'${name}`;
  if (random.chance(0.04))
    return `${name}-${random.pick(SURNAME_HEAD)}${random.pick(SURNAME_TAIL)}`;
  return name;
}

/** 555-0100 to 555-0199 are reserved for fiction. */
export function phone(random: Random): string {
  return `(312) 555-01${String(random.int(100)).padStart(2, "0")}`;
}

export function uuid(random: Random): string {
  return `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-a${random.hex(3)}-${random.hex(12)}`;
}

export function weighted<T>(random: Random, table: readonly [T, number][]): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table[table.length - 1]![0];
}
