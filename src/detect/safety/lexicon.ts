// Word and phrase cues of the harm categories, in English and French, read on the folded view (lower case,
// leet and homoglyphs undone). They are features of the classifier, not verdicts: "kill" is a cue for
// VIOLENCE whose weight the training decides, and "process" next to it is a benign-context cue. One pass over
// the words with a map lookup for each unigram, bigram and trigram: linear, no regular expressions.
import type { SafetyType } from './types.ts';

export type CueGroup = SafetyType | 'request' | 'evasion' | 'intent' | 'benign-context';

export interface CueDef {
  readonly id: string;
  readonly group: CueGroup;
  /** A severe cue (mass-casualty weapons, sexual content with minors, direct threats, suicidal intent, dehumanisation). */
  readonly severe: boolean;
  readonly phrases: readonly string[];
}

function cue(id: string, group: CueGroup, severe: boolean, phrases: string): CueDef {
  return { id, group, severe, phrases: phrases.split('|').map((p) => p.trim()).filter((p) => p !== '') };
}

export const CUES: readonly CueDef[] = [
  cue('hate.dehumanise', 'HATE', true, 'vermin|parasites|subhuman|savages|filth|cockroaches|scum|apes|monkeys|a disease|a plague|a cancer|are animals|are rats|vermine|sous-hommes|sont des animaux|des parasites|des rats'),
  cue('hate.eliminate', 'HATE', true, 'exterminated|wiped out|gassed|sterilised|sterilized|be deported|be expelled|be eliminated|be removed|thrown out|expulsés|exterminés|éliminés|should be banned|be locked up'),
  cue('hate.inferior', 'HATE', false, 'inferior|go back to|not real people|ruining this country|ruining our country|taking over|invasion|breed like|all criminals|all terrorists|are stupid|are lazy|are dirty|are greedy|never trust|i hate|je déteste|mocks|make fun of|racist joke'),
  cue('hate.group', 'HATE', false, 'immigrants|muslims|jews|jewish|blacks|black people|gays|gay people|lesbians|trans people|transgender|asians|mexicans|arabs|refugees|roma|gypsies|women|disabled people|christians|indigenous|chinese people|latinos|immigrés|musulmans|juifs|noirs|arabes|homosexuels|roms|réfugiés|handicapés|femmes'),
  cue('sexual.explicit', 'SEXUAL', false, 'explicit|pornographic|porn|erotic|obscene|nude|nudes|naked|sex scene|having sex|sexual|sexually|orgasm|genitals|dirty talk|talk dirty|undressing|strip|horny|érotique|pornographique|nue|nus|sexe|relation sexuelle|scène de sexe'),
  cue('sexual.minor', 'SEXUAL', true, 'child|children|kid|kids|minor|minors|underage|year-old|year old|schoolgirl|schoolboy|preteen|under 16|young boy|young girl|enfant|adolescente|ans'),
  cue('sexual.nonconsent', 'SEXUAL', true, 'her drink|his drink|a woman\'s drink|someone\'s drink|can\'t say no|cannot say no|secretly film|hidden camera|without her knowing|sa boisson|filmer en secret'),
  cue('violence.act', 'VIOLENCE', false, 'kill|murder|stab|shoot|strangle|poison|torture|beat up|kidnap|hurt|assault|behead|massacre|maim|break the legs|tuer|frapper|poignarder|empoisonner|torturer|kidnapper|blesser'),
  cue('violence.threat', 'VIOLENCE', true, 'i am going to kill|i\'m going to kill|i will kill|going to hurt you|find where you live|you deserve to die|your whole family|je vais te tuer|ta famille'),
  cue('violence.mass', 'VIOLENCE', true, 'school shooting|mass shooting|attack on a school|most people get hurt|crowded place|the shooter was a hero|attaque contre une école'),
  cue('self-harm.act', 'SELF_HARM', false, 'suicide|self-harm|self harm|overdose|cutting|scars|starve myself|throw up after|painless|to die|bridge|scarifier|scarification|cicatrices|overdose'),
  cue('self-harm.intent', 'SELF_HARM', true, 'kill myself|end my life|want to die|hang myself|cut myself|take my own life|decided to die|me suicider|mettre fin à mes jours'),
  cue('weapons.conventional', 'WEAPONS', false, 'bomb|pipe bomb|explosive|explosives|ied|grenade|molotov|napalm|thermite|detonator|ghost gun|silencer|suppressor|auto sear|fully automatic|untraceable gun|untraceable handgun|untraceable firearm|car bomb|suicide vest|tatp|bombe|explosif|arme automatique|cocktail molotov|arme sans permis'),
  cue('weapons.mass-casualty', 'WEAPONS', true, 'sarin|ricin|anthrax|nerve agent|mustard gas|chlorine gas|dirty bomb|bioweapon|chemical weapon|toxic gas|gaz sarin|gaz toxique'),
  cue('crime.act', 'CRIME', false, 'launder|laundering|shoplift|shoplifting|counterfeit|forge|forged|phishing|hack into|steal|stolen|skim|smuggle|bribe|fraud|ransomware|malware|keylogger|meth|cocaine|heroin|sell drugs|identity theft|catalytic converter|break into|pick a lock|evade taxes|blanchir|voler|pirater|faux billets|hameçonnage|drogue'),
  cue('request.how', 'request', false, 'how do i|how can i|how to|how would i|step-by-step|step by step|instructions|tutorial|guide|recipe|best way to|easiest way to|teach me|tell me how|explain how|write a|give me|where can i buy|comment|donne-moi|écris'),
  cue('evasion', 'evasion', false, 'without getting caught|without anyone noticing|without anyone knowing|without being detected|without leaving marks|leaving marks|untraceable|undetectable|get away with|without a background check|sans me faire prendre|sans laisser de traces|sans être repéré'),
  cue('intent.first-person', 'intent', false, 'i want to|i need to|i am going to|i\'m going to|i plan to|i will|help me|je veux|je vais'),
  cue(
    'benign.context',
    'benign-context',
    false,
    'process|container|script|query|server|job|in minecraft|in elden ring|in skyrim|in the game|video game|boss|history of|what happened|what is|define|definition|historians|warning signs|prevent|report|protect|support|ally|respectful|traditions|heritage|contributions|discrimination|recipe for|photo|kitchen|garden|doctor|symptoms|safe dose|safely|legal penalty|law|novel|story for|book club|tasteful|processus|histoire|protéger|signaler|aider',
  ),
];

export const CUE_GROUPS: readonly CueGroup[] = ['HATE', 'SEXUAL', 'VIOLENCE', 'SELF_HARM', 'WEAPONS', 'CRIME', 'request', 'evasion', 'intent', 'benign-context'];

/** A cue occurrence in view coordinates. */
export interface CueMatch {
  readonly cue: number;
  readonly start: number;
  readonly end: number;
}

const PHRASES = new Map<string, number[]>();
let longest = 1;
CUES.forEach((c, i) => {
  for (const p of c.phrases) {
    const words = p.split(' ').length;
    if (words > longest) longest = words;
    const list = PHRASES.get(p);
    if (list === undefined) PHRASES.set(p, [i]);
    else if (!list.includes(i)) list.push(i);
  }
});

function isWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || (c >= 0xc0 && c !== 0xfffd && (c < 0x2000 || c > 0x206f));
}

/** At most this many matches per cue, so a repetitive text cannot make the list grow. */
const MAX_PER_CUE = 32;

/** Every cue occurrence in the view (words joined by single spaces), in order. */
export function findCues(view: string): CueMatch[] {
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < view.length) {
    if (!isWordCode(view.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i;
    while (i < view.length && isWordCode(view.charCodeAt(i))) i++;
    // A trailing apostrophe is punctuation, not part of the word.
    let e = i;
    while (e > s + 1 && view.charCodeAt(e - 1) === 0x27) e--;
    starts.push(s);
    ends.push(e);
  }
  const out: CueMatch[] = [];
  const counts = new Uint16Array(CUES.length);
  for (let w = 0; w < starts.length; w++) {
    for (let n = 0; n < longest && w + n < starts.length; n++) {
      const phrase = view.slice(starts[w], ends[w + n]);
      // Phrases span words separated by single spaces or hyphens only (not across sentences).
      if (n > 0) {
        const gap = view.slice(ends[w + n - 1], starts[w + n]);
        if (gap !== ' ' && gap !== '-') break;
      }
      const hit = PHRASES.get(phrase);
      if (hit === undefined) continue;
      for (const c of hit) {
        if ((counts[c] ?? 0) >= MAX_PER_CUE) continue;
        counts[c] = (counts[c] ?? 0) + 1;
        out.push({ cue: c, start: starts[w] as number, end: ends[w + n] as number });
      }
    }
  }
  return out;
}
