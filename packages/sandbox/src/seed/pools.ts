// Deterministic building blocks for demo and generated data: a seeded PRNG and pools of
// international names, companies, places and phone formats.
import { mulberry32 } from '../faults/prng.ts';

export class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

export const GIVEN_NAMES = [
  'Aiko',
  'Amara',
  'Anders',
  'Ana',
  'Arjun',
  'Beatriz',
  'Bjørn',
  'Carlos',
  'Chloé',
  'Chen',
  'Dagmar',
  'Dmitri',
  'Elif',
  'Emma',
  'Fatima',
  'François',
  'Giulia',
  'Hannah',
  'Hiroshi',
  'Ingrid',
  'Isabel',
  'Jakub',
  'Jana',
  'João',
  'Kofi',
  'Lars',
  'Léa',
  'Liam',
  'Lucía',
  'Magnus',
  'Mariam',
  'Mateo',
  'Mei',
  'Mohammed',
  'Nadia',
  'Niamh',
  'Noah',
  'Olga',
  'Oskar',
  'Pedro',
  'Priya',
  'Rafael',
  'Rania',
  'Sakura',
  'Sébastien',
  'Siobhan',
  'Søren',
  'Sven',
  'Tomás',
  'Umar',
  'Valentina',
  'Wei',
  'Yara',
  'Yusuf',
  'Zoë',
  'Zuzana',
  'Ömer',
  'Åsa',
  'Łukasz',
  'Ngozi',
];

export const SURNAMES = [
  'Abe',
  'Andersson',
  'Bauer',
  'Becker',
  'Chen',
  'Costa',
  'Dubois',
  'Dvořák',
  'Eriksen',
  'Fernández',
  'Fischer',
  'García',
  'Gonçalves',
  'Haddad',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Kumar',
  'Laurent',
  'Lee',
  'Lindqvist',
  'Martin',
  'Müller',
  'Nakamura',
  'Nguyen',
  "O'Brien",
  'Okafor',
  'Olsen',
  'Patel',
  'Petrov',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Suzuki',
  'Tanaka',
  'Van der Berg',
  'Wagner',
  'Wang',
  'Weber',
  'Yılmaz',
  'Zhang',
  'Ó Súilleabháin',
  'Nowak',
  'Novák',
  'Mensah',
  'Kim',
  'Al-Farsi',
];

export const MIDDLE_NAMES = ['Marie', 'James', 'Louise', 'Alexander', 'Sofia', 'J.', 'K.'];

export const COMPANIES = [
  'Contoso Ltd',
  'Fabrikam GmbH',
  'Northwind Traders',
  'Adventure Works',
  'Tailspin Toys',
  'Wingtip Toys',
  'Litware Inc.',
  'Proseware SARL',
  'Woodgrove Bank',
  'Alpine Ski House',
  'Coho Winery',
  'Fourth Coffee',
  'Graphic Design Institute',
  'Lucerne Publishing',
  'Margie’s Travel',
  'Trey Research',
  'Blue Yonder Airlines',
  'City Power & Light',
  'Humongous Insurance',
  'Wide World Importers',
  'Sakura Denki K.K.',
  'Müller & Söhne KG',
];

export const JOB_TITLES = [
  'Account Manager',
  'Chief Executive Officer',
  'Head of Procurement',
  'Sales Director',
  'Project Manager',
  'Software Engineer',
  'Purchasing Agent',
  'Marketing Lead',
  'Office Manager',
  'CFO',
  'Consultant',
  'Buyer',
];

export const DEPARTMENTS = ['Sales', 'Procurement', 'Finance', 'IT', 'Marketing', 'Operations', 'Legal'];

export interface Place {
  country: string;
  countryCode: string;
  /** `postal`: a format where `#` is a random digit. */
  cities: Array<{ city: string; state?: string; postal: string }>;
  streets: string[];
  /** Phone formats: `#` is a random digit. */
  phones: string[];
}

export const PLACES: readonly Place[] = [
  {
    country: 'Germany',
    countryCode: 'DE',
    cities: [
      { city: 'Berlin', postal: '1####' },
      { city: 'München', postal: '8####' },
      { city: 'Köln', postal: '5####' },
    ],
    streets: ['Hauptstraße', 'Königsallee', 'Friedrichstraße', 'Am Markt'],
    phones: ['+49 30 ########', '030 #######', '+49 (0)89 ######-##', '0171 #######'],
  },
  {
    country: 'United States',
    countryCode: 'US',
    cities: [
      { city: 'New York', state: 'NY', postal: '100##' },
      { city: 'Seattle', state: 'WA', postal: '981##' },
      { city: 'Austin', state: 'TX', postal: '787##' },
    ],
    streets: ['Main Street', 'Broadway', '5th Avenue', 'Pine Street'],
    phones: ['(###) ###-####', '+1 ###-###-####', '###.###.####', '+1 (###) ### ####'],
  },
  {
    country: 'France',
    countryCode: 'FR',
    cities: [
      { city: 'Paris', postal: '750##' },
      { city: 'Lyon', postal: '6900#' },
    ],
    streets: ['Rue de Rivoli', 'Avenue des Champs-Élysées', 'Boulevard Haussmann'],
    phones: ['01 ## ## ## ##', '+33 6 ## ## ## ##', '+33 (0)4 ## ## ## ##'],
  },
  {
    country: 'United Kingdom',
    countryCode: 'GB',
    cities: [
      { city: 'London', postal: 'EC#A #BB' },
      { city: 'Manchester', postal: 'M# #AB' },
    ],
    streets: ['High Street', 'Baker Street', 'King’s Road'],
    phones: ['020 #### ####', '+44 7### ######', '+44 (0)161 ### ####'],
  },
  {
    country: 'Japan',
    countryCode: 'JP',
    cities: [
      { city: 'Tokyo', state: 'Tokyo', postal: '1##-####' },
      { city: 'Osaka', state: 'Osaka', postal: '5##-####' },
    ],
    streets: ['1-2-3 Marunouchi', '4-5-6 Shibuya', '2-1 Umeda'],
    phones: ['+81 3-####-####', '03-####-####', '090-####-####'],
  },
  {
    country: 'India',
    countryCode: 'IN',
    cities: [
      { city: 'Bengaluru', state: 'Karnataka', postal: '560###' },
      { city: 'Mumbai', state: 'Maharashtra', postal: '400###' },
    ],
    streets: ['MG Road', 'Linking Road', 'Residency Road'],
    phones: ['+91 98### #####', '+91-80-########', '098########'],
  },
  {
    country: 'Brazil',
    countryCode: 'BR',
    cities: [{ city: 'São Paulo', state: 'SP', postal: '01###-###' }],
    streets: ['Avenida Paulista', 'Rua Augusta'],
    phones: ['+55 11 9####-####', '(11) ####-####'],
  },
];

export function phone(r: Random, format: string): string {
  return format.replace(/#/g, () => String(r.int(0, 9)));
}

/** Mail-safe ASCII form of a name part. */
const slugs = new Map<string, string>();

export function asciiSlug(text: string): string {
  let slug = slugs.get(text);
  if (slug === undefined) {
    slug = slugify(text);
    if (slugs.size < 10_000) slugs.set(text, slug);
  }
  return slug;
}

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/[łŁ]/g, 'l')
    .replace(/ı/g, 'i')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

export const CATEGORIES = ['Customer', 'Partner', 'Supplier', 'VIP', 'Press', 'Family', 'Friends'];

/** Windows zone names used across the demo (`@exsync/common/time` maps them to IANA zones). */
export const TIME_ZONES = [
  'W. Europe Standard Time',
  'Eastern Standard Time',
  'Pacific Standard Time',
  'Tokyo Standard Time',
  'India Standard Time',
  'GMT Standard Time',
];
