// Person names and street addresses: dictionary and context based, so deliberately conservative.
// Precision is moderate and recall low (see docs/detection.md); neither type is "claimed" in the
// evaluation, and policies should not block on them alone.
import type { ConfidenceLevel } from '../../core/finding.ts';
import type { SitDefinition } from './types.ts';

// Common given names across several locales; ambiguous English words (Will, May, June, Mark, Bill,
// Grace, Rose, Hope, Faith, Joy…) are left out on purpose.
const FIRST_NAMES = new Set(
  `James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Donald Steven
Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan
Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron
Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean
Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah
Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis Mary Patricia Jennifer Linda Elizabeth Barbara Susan
Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa
Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha
Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria
Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison
Frances Kathryn Janice Jean Abigail Alice Judy Sophia Denise Doris Marilyn Danielle Beverly Isabella Theresa Diana
Natalie Brittany Charlotte Marie Kayla Alexis Lori Tamara Judy Ivan Dmitri Sergei Olga Natasha Svetlana Igor Vladimir
Hans Klaus Jurgen Wolfgang Stefan Sabine Ursula Monika Heike Petra Pierre Jean-Pierre Francois Louise Camille Chloe
Amelie Sophie Giulia Giuseppe Giovanni Francesco Alessandro Luca Marco Matteo Chiara Federica Alessia Carlos Miguel
Luis Jorge Pedro Alejandro Fernando Javier Diego Pablo Sofia Lucia Carmen Isabel Elena Ana Rosa Pilar Mohammed
Muhammad Ahmed Ali Omar Hassan Fatima Aisha Yusuf Ibrahim Mustafa Rahul Amit Priya Anjali Sanjay Vijay Ravi Sunita Deepak
Arjun Wei Li Ming Hui Yan Jing Chen Hiroshi Takashi Yuki Kenji Haruto Sakura Min-jun Ji-woo Seo-yeon Kwame Kofi Ama Chidi
Ngozi Oluwaseun Tamika Jamal DeShawn Latoya Lars Sven Erik Astrid Ingrid Bjorn Jan Piet Pieter Sanne Femke Tomasz Piotr
Katarzyna Agnieszka Joao Tiago Mariana Beatriz Goncalo Ines Tamar Avi Yosef Noa Aylin Mehmet Ayse Emre Zeynep Judy Donald
Tamara Judith Amir Reza Maryam Leila Darius Nikolai Anastasia Irina Pavel Elif Cem Sipho Thabo Nomvula
Liam Oliver Elijah Lucas Levi Asher Leo Ezra Luca Hudson Jackson Grayson Aiden Carter Wyatt Owen Caleb Isaac
Julian Lincoln Harry Harrison Oscar Archie Theo Freddie Alfie Charlie Finley Teddy Arlo Rory Reggie Toby Albie
Ronnie Louie Hugo Maxwell Felix Jasper Sebastian Dominic Xavier Adrian Colin Connor Cole Blake 
 Bentley Easton Nolan Landon Cameron Gavin Evan Ian Jace Jaxon Kayden Brayden Dawson Warren Spencer Preston Tristan
Wesley Bradley Derek Dustin Travis Shane Trevor Marcus Malik Andre Darnell Tyrone Terrence Reginald Clarence Leonard Howard Herbert
Stanley Melvin Leroy Harvey Neil Craig Todd Brett Curtis Kurt Clifford
Floyd Lloyd Vernon Johnny Jimmy Tommy Danny Kenny Ricky Stevie Freddy Dieter Helmut Gunter Uwe Jens
Torsten Matthias Christoph Christophe Philippe Nicolas Olivier Antoine Julien Mathieu Guillaume Sebastien Thierry Laurent Didier Yves Benoit Rene
Alessandra Francesca Valentina Martina Serena Paola Roberta Silvia Giorgio Paolo Stefano Andrea Roberto Massimo Davide Simone Riccardo Lorenzo
Emanuele Antonio Manuel Rafael Sergio Ricardo Eduardo Roberto Raul Ramon Enrique Alberto Andres Emilio Hector Ignacio Joaquin Lorena
Marta Cristina Silvia Patricia Rocio Veronica Gabriela Daniela Adriana Monica Claudia Layla Aria Ava Mia Amelia Harper Evelyn
Ella Scarlett Chloe Penelope Layla Riley Zoey Nora Lily Eleanor Savannah Audrey Brooklyn Bella
Claire Skylar Lucy Paisley Everly Caroline Emilia Kennedy Maya Kinsley Naomi Aaliyah Elena Ariana Allison
Gabriella Alice Madelyn Cora Eva Adeline Hailey Gianna Valentina Isla Eliana Quinn Nevaeh Sadie
Piper Lydia Alexa Josephine Emery Julia Delilah Arianna Vivian Kaylee Sophie Brielle Madeline Peyton Rylee Clara Hadley Melanie
Mackenzie Adalynn Liliana Aubrey Katelyn Kaitlyn Brianna Brandi Shelley Erika Michele Sharon Kaylee Jessie Tracy Tracey
Stacy Stacey Wendy Tiffany Brandy Heidi Kristen Kristin Erin Shannon Colleen Kathy Cathy
Debbie Becky Cindy Peggy Kim Jill Tina Gina Lisa Yolanda Rhonda Wanda Bonnie Sherry Connie Lorraine Darlene
Geraldine Rosemary Marlene Charlene Jeanette Yvonne Lucille Bailey Morgan Taylor Jordan Casey Jamie Avery Riley Cameron Logan Reese
 Emerson Finley Rowan Sawyer Kendall Natasha Graham Ivana Milena Dragan Goran
Zoran Marko Nikola Luka Petar Agnes Astrid Birgit Britta Elke Gisela Hannelore Ingeborg Karin Renate Ulrike Anneliese Kerstin
Silke Anke Katrin Aditya Ananya Aarav Vihaan Ishaan Kavya Diya Saanvi Neha Pooja Rohan Karan Nikhil Vikram Suresh
Ramesh Lakshmi Meera Hiroko Akiko Yoko Keiko Naoko Satoshi Kazuo Takumi Daiki Sota Yuto Hana Mei Yui
Aoi Riko Amara Zainab Halima Abdullah Khalid Tariq Samir Nabil Karim Rania
Nadia Salma Youssef Hamza Bilal Idris Ayaan`.split(/\s+/),
);

const TITLES = 'Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta|Rev|Capt';
const NAME_WORD = "[A-Z][a-z\\u00C0-\\u024F'’-]{1,24}";
const PARTICLE = '(?:van der|van den|van|von|de la|de|del|da|di|du|le|la|bin|al|ibn)';
const TITLE_SET = new Set(TITLES.split('|'));
// Context that introduces a name whatever it is: "name: …", "my name is …", "named …", "call me …", "Dear …".
// Found with indexOf on literal cores (much cheaper than a regex alternation over the whole text), then
// confirmed with a sticky pattern at each hit.
const NAME_CONTEXT_AT = new RegExp(
  `(?:[Nn]ame(?:d|\\s+is|\\s*:)|[Cc]all\\s+me|Dear|(?:Sincerely|Regards|Thanks),?\\s*\\n)[ \\t]*(${NAME_WORD}(?:[ \\t]+(?:${PARTICLE}[ \\t]+)?${NAME_WORD}){0,2})`,
  'y',
);
/** Literal cores and how far before each the context starts. */
const NAME_CONTEXT_CORES: readonly (readonly [string, number])[] = [
  ['ame', 1],
  ['all me', 1],
  ['Dear', 0],
  ['Sincerely', 0],
  ['Regards', 0],
  ['Thanks', 0],
];
const TITLED_NAME = new RegExp(`\\.?[ \\t]+(${NAME_WORD}(?:[ \\t]+(?:${PARTICLE}[ \\t]+)?${NAME_WORD}){0,2})`, 'y');
const FOLLOWING = new RegExp(`^(?:[ \\t]+(?:${PARTICLE}[ \\t]+)?(${NAME_WORD})){1,2}`);
const STOP_SURNAME = new Set(['The', 'And', 'But', 'Or', 'If', 'In', 'On', 'At', 'To', 'For', 'Of', 'I', 'A', 'An', 'Is', 'Was', 'Street', 'Avenue', 'Road', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);

const UPPER = /[A-Z]/g;
const isWordUnit = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f) || c === 39 || c === 45;

function findNames(text: string): [number, number][] {
  const found: [number, number][] = [];
  const contextual = new Set<number>();
  for (const [core, back] of NAME_CONTEXT_CORES) {
    for (let p = text.indexOf(core); p >= 0; p = text.indexOf(core, p + 1)) {
      const start = p - back;
      if (start < 0 || (start > 0 && isWordUnit(text.charCodeAt(start - 1)))) continue;
      NAME_CONTEXT_AT.lastIndex = start;
      const m = NAME_CONTEXT_AT.exec(text);
      if (m === null) continue;
      const name = m[1] ?? '';
      const s = start + m[0].length - name.length;
      if (contextual.has(s)) continue;
      found.push([s, s + name.length]);
      contextual.add(s);
    }
  }
  // A hand-written loop over capitalised words: a regex with look-arounds costs more on plain prose.
  const n = text.length;
  let skipTo = 0;
  UPPER.lastIndex = 0;
  for (let m = UPPER.exec(text); m !== null; m = UPPER.exec(text)) {
    const i = m.index;
    if (i > 0 && isWordUnit(text.charCodeAt(i - 1))) continue;
    let j = i + 1;
    while (j < n && j - i <= 16 && isWordUnit(text.charCodeAt(j))) j++;
    const len = j - i;
    if (i < skipTo || len < 2 || len > 15 || contextual.has(i)) {
      UPPER.lastIndex = j;
      continue;
    }
    const word = text.slice(i, j);
    if (TITLE_SET.has(word)) {
      // "Dr. Jane Smith": the name after the title, without the title (annotated separately as a prefix).
      TITLED_NAME.lastIndex = j;
      const t = TITLED_NAME.exec(text);
      if (t !== null) {
        const name = t[1] ?? '';
        const s = j + t[0].length - name.length;
        found.push([s, s + name.length]);
        skipTo = s + name.length;
      }
      UPPER.lastIndex = j;
      continue;
    }
    if (!FIRST_NAMES.has(word)) {
      UPPER.lastIndex = j;
      continue;
    }
    const after = FOLLOWING.exec(text.slice(j, j + 80));
    let end = j;
    if (after !== null) {
      const words = after[0].trim().split(/\s+/);
      if (!STOP_SURNAME.has(words[words.length - 1] ?? '')) end += after[0].length;
    }
    skipTo = end;
    found.push([i, end]);
    UPPER.lastIndex = j;
  }
  return found.sort((a, b) => a[0] - b[0]);
}

function nameScore(value: string, hasKeyword: boolean): ConfidenceLevel | undefined {
  const words = value.trim().split(/\s+/).length;
  if (words >= 2) return hasKeyword ? 'medium' : 'low';
  return hasKeyword ? 'low' : 'low';
}

const STREET_SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Close|Crescent|Cres|Row|Alley|Plaza|Loop|Path|Pike|Heights|Hills|Gardens|Mews|Walk|Green|Park|Crossing|Ridge|View|Estates|Valley|Port|Junction|Mall|Mill|Mills|Point|Village';

// Addresses written the way people write them to a form or a support desk, in any country's format: after
// words that introduce an address ("my address is", "lives at", "ship to"), or as a block of short lines
// (house and street, unit, town, postcode, country). Street-type words are not needed, so "35 Kromwater 38"
// and "Rua Joaquim de Oliveira Cruz 1615" count; a digit is.
const ADDRESS_INTRO =
  /\b(?:address(?:es)?(?:\s+(?:is|to|as|of|at))?|lives?\s+(?:at|in|on)|living\s+(?:at|in)|located\s+at|resid(?:es|ing)\s+at|(?:sen[dt]|ship(?:ped)?|deliver(?:ed)?|mail(?:ed)?|post(?:ed)?|mov(?:e|ed))(?:\s+(?:it|them|this|that|these|everything|the\s+\w+))?\s+to|the\s+corner\s+of)\b(?:\s+(?:is|the\s+same|below))?\s*[:=-]?\s*/gi;
const UNIT_LINE = /^\s*(?:Suite|Ste\.?|Apt\.?|Apartment|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|P\.?\s?O\.?\s+Box|PO Box|Box|Bldg\.?|Building)\b/i;
const POSTCODE_END = /(?:\b\d{4,6}(?:-\d{4})?|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\s*$/;
const HOUSE_LINE = /^\s*\d{1,5}[A-Za-z]?(?:[ \t]+[\p{L}\d'’./-]+){1,6}\s*$/u;
/** Where a line of an address ends: sentence punctuation followed by prose, a question, or " for …". */
const ADDRESS_STOP = /\?|[.!;](?=\s+[A-Za-z])|\s(?:for|and\s+(?:please|can|could)|please|thanks|thank\s+you|so\s+that|because|if|when|but)\b/i;
const MAX_ADDRESS = 200;

/** Phone and contact lines follow addresses in signatures; they are not part of them. */
const CONTACT_LINE = /\b(?:office|fax|mobile|phone|tel|cell|e-?mail|www)\b|@|(?:\d\D?){7}/i;

function isAddressLine(line: string): boolean {
  const t = line.trim();
  if (t === '' || t.length > 48 || CONTACT_LINE.test(t)) return false;
  if (UNIT_LINE.test(t) || POSTCODE_END.test(t) || HOUSE_LINE.test(t)) return true;
  // A town or country line: one to four capitalised words (or all capitals), maybe with a comma.
  return /^,?\s*[\p{Lu}][\p{L}'’.-]*(?:[ ,]+[\p{Lu}\p{Ll}][\p{L}'’.-]*){0,3},?$/u.test(t);
}

/** Extends an address that starts at `start` over the rest of its line and the address-like lines below. */
function addressFrom(text: string, start: number): number {
  let end: number;
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd < 0) lineEnd = text.length;
  const first = text.slice(start, Math.min(lineEnd, start + MAX_ADDRESS));
  const stop = ADDRESS_STOP.exec(first);
  end = start + (stop !== null ? stop.index : first.length);
  if (stop !== null) return trimAddress(text, start, end);
  // Following lines, while they look like parts of an address (a blank line ends it).
  let pos = lineEnd;
  for (let k = 0; k < 5 && pos < text.length && pos - start < MAX_ADDRESS; k++) {
    const next = text.indexOf('\n', pos + 1);
    const lineStop = next < 0 ? text.length : next;
    const line = text.slice(pos + 1, lineStop);
    if (!isAddressLine(line)) break;
    end = lineStop;
    pos = lineStop;
  }
  return trimAddress(text, start, end);
}

function trimAddress(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s,.:;]/.test(text[e - 1] ?? '')) e--;
  return e;
}

function findAddresses(text: string): [number, number][] {
  const out: [number, number][] = [];
  let coveredTo = 0;
  ADDRESS_INTRO.lastIndex = 0;
  for (let m = ADDRESS_INTRO.exec(text); m !== null; m = ADDRESS_INTRO.exec(text)) {
    const s = m.index + m[0].length;
    if (s < coveredTo || s >= text.length) continue;
    // "my address is below:" then a blank line: the block starts on the next non-empty line.
    let start = s;
    while (start < text.length && /\s/.test(text[start] ?? '')) start++;
    const end = addressFrom(text, start);
    const value = text.slice(start, end);
    // An address holds a number (house, unit or postcode) and a capitalised or multi-word name.
    if (!/\d/.test(value) || value.length < 6 || !/\p{L}{3}/u.test(value)) continue;
    out.push([start, end]);
    coveredTo = end;
  }
  // Blocks without an introduction: a house line followed by unit / town / postcode lines.
  for (let nl = -1; nl < text.length; ) {
    const lineStart = nl + 1;
    const next = text.indexOf('\n', lineStart);
    const lineEnd = next < 0 ? text.length : next;
    const houseLine = text.slice(lineStart, lineEnd);
    if (lineStart >= coveredTo && HOUSE_LINE.test(houseLine) && /\p{L}{3}/u.test(houseLine) && !CONTACT_LINE.test(houseLine)) {
      const end = addressFrom(text, lineStart);
      const block = text.slice(lineStart, end);
      const lines = block.split('\n').length;
      if (lines >= 2 && block.split('\n').slice(1).some((l) => UNIT_LINE.test(l) || POSTCODE_END.test(l))) {
        out.push([lineStart, end]);
        coveredTo = end;
      }
    }
    if (next < 0) break;
    nl = next;
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export const PEOPLE_SITS: readonly SitDefinition[] = [
  {
    id: 'PERSON_NAME',
    name: 'Person name',
    category: 'personal',
    anchor: 'finder',
    find: findNames,
    pattern: /(?!)/g,
    validatorName: 'given-name dictionary or title (Mr, Dr…) + capitalised words',
    keywords: ['name', 'named', 'called', 'patient', 'customer', 'employee', 'client', 'contact', 'dear', 'signed', 'sincerely', 'regards', 'mr', 'mrs', 'ms', 'dr'],
    score: nameScore,
    withKeyword: 'medium',
    rules: 'Given name + surname: low, medium with a keyword. A lone given name: low. Dictionary-based: misses names outside the list.',
  },
  {
    id: 'STREET_ADDRESS',
    name: 'Street address',
    category: 'personal',
    anchor: 'digits',
    minDigits: 1,
    pattern: new RegExp(
      `(?<![\\w-])(?:\\d{1,6}[A-Za-z]?(?:-\\d{1,4})?\\s+(?:[A-Z][\\p{L}'.-]*\\s+){1,4}(?:${STREET_SUFFIX})\\.?(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\\.?\\s*#?[\\w-]{1,6})?(?:,?\\s+[A-Z][\\p{L}.-]+(?:\\s+[A-Z][\\p{L}.-]+){0,2},?\\s+[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?)?|(?:P\\.?\\s?O\\.?\\s+Box|Post Office Box)\\s+\\d{1,6})(?![\\w])`,
      'gu',
    ),
    validatorName: 'house number + capitalised street name + street suffix (optional unit, city, state, ZIP)',
    keywords: ['address', 'live', 'lives', 'living', 'located', 'ship', 'shipping', 'deliver', 'delivery', 'mail', 'residence', 'home', 'moved', 'street', 'billing'],
    score: (value, kw) => (/\d{5}/.test(value.slice(value.length - 10)) ? 'medium' : kw ? 'medium' : 'low'),
    withKeyword: 'medium',
    rules: 'Number + street + suffix: low, medium with a keyword or a trailing state and ZIP code.',
  },
  {
    id: 'STREET_ADDRESS',
    name: 'Street address',
    category: 'personal',
    anchor: 'finder',
    find: findAddresses,
    pattern: /(?!)/g,
    validatorName: 'introduced by address words ("my address is", "lives at", "ship to") or a block of address lines; holds a number',
    keywords: ['address', 'live', 'lives', 'ship', 'shipping', 'deliver', 'delivery', 'mail', 'residence', 'moved', 'billing', 'postal', 'zip', 'postcode'],
    score: (value, kw) => (value.includes('\n') || kw ? 'medium' : 'low'),
    withKeyword: 'medium',
    rules: 'Introduced by address words or laid out as address lines: medium; otherwise low.',
  },
];
