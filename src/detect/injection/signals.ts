// Hand-written signals of injection, read on the folded view (lower case, whitespace collapsed, obfuscation
// undone). They are features of the classifier, not verdicts: the trained weights decide how much each one
// counts, so a role-play prompt that says "act as" is not an attack by itself.
// Every pattern is linear: bounded gaps only (`(?:\S+ ){0,4}?`), no nested unbounded quantifiers, and each
// pattern runs only when one of its literal needles occurs in the text.

export type SignalGroup =
  | 'override'
  | 'jailbreak'
  | 'roleplay'
  | 'authority'
  | 'extraction'
  | 'format'
  | 'exfiltration'
  | 'tool'
  | 'structure';

export interface SignalDef {
  readonly id: string;
  readonly group: SignalGroup;
  /** Literal strings of which at least one must occur for the pattern to be tried. */
  readonly needles: readonly string[];
  readonly pattern: RegExp;
}

/** A signal occurrence in view coordinates. */
export interface SignalMatch {
  readonly signal: number;
  readonly start: number;
  readonly end: number;
}

const GAP4 = '(?:\\S+ ){0,4}?';
/** A gap that does not cross a preposition: in "ignore the typos in my previous message" the typos are ignored. */
const OBJECT_GAP4 = "(?:(?!(?:in|from|on|at|about|inside|within|for) )\\S+ ){0,4}?";
const GAP3 = '(?:\\S+ ){0,3}?';

function def(id: string, group: SignalGroup, needles: readonly string[], source: string): SignalDef {
  return { id, group, needles, pattern: new RegExp(source, 'g') };
}

const OVERRIDE_VERBS = ['ignore', 'disregard', 'forget', 'skip', 'bypass', 'override', 'overrule', 'neglect', 'abandon', 'discard', 'dismiss', 'erase', 'delete', 'clear', 'drop'];
const EXTRACT_VERBS = ['reveal', 'show', 'print', 'repeat', 'display', 'output', 'tell', 'give', 'leak', 'share', 'disclose', 'recite', 'spell', 'write', 'dump', 'return', 'list', 'provide', 'what'];

export const SIGNALS: readonly SignalDef[] = [
  // Instruction override
  def(
    'override.ignore-previous',
    'override',
    OVERRIDE_VERBS,
    `\\b(?:${OVERRIDE_VERBS.join('|')})\\b ${OBJECT_GAP4}(?:previous|prior|above|earlier|preceding|former|initial|original|old|existing|all|any|your|these|those|the|my|system)\\b(?: (?!(?:in|from|on|at|about|inside|within|for)\\b)[^\\s.!?]+){0,4}? (?:instructions?|prompts?|directives?|rules?|guidelines?|commands?|orders?|context|constraints?|restrictions?|programming|polic(?:y|ies)|messages?|guidance|training|settings|conversation|tasks?)\\b`,
  ),
  def(
    'override.forget-everything',
    'override',
    ['ignore', 'forget', 'disregard'],
    `\\b(?:ignore|forget|disregard)\\b (?:about )?(?:everything|all of that|all that|what (?:i|you) (?:said|were told)|the above|anything (?:else|before|above))`,
  ),
  def(
    'override.new-instructions',
    'override',
    ['instruction', 'task', 'directive', 'rules', 'objective', 'mission', 'orders'],
    `\\b(?:new|updated|revised|real|actual|true|secret|hidden|additional|next|different) (?:instructions?|task|directives?|rules|objective|mission|orders)\\b`,
  ),
  def(
    'override.from-now-on',
    'override',
    ['now', 'point', 'moment', 'starting', 'rest', 'henceforth'],
    `\\b(?:from now on|from this (?:point|moment) (?:on|forward)|starting now|for the rest of (?:this|our|the) (?:conversation|chat|session)|henceforth)\\b`,
  ),
  def('override.instead', 'override', ['instead'], `\\binstead,? (?:you (?:will|should|must)|do|say|output|write|respond|print|tell)\\b`),
  def(
    'override.do-not-follow',
    'override',
    ['follow', 'obey', 'listen', 'adhere', 'comply'],
    `\\b(?:do not|don't|dont|never|stop|no longer|not) (?:have to |need to )?(?:follow|obey|listen to|adhere to|comply with)\\b`,
  ),
  def(
    'override.multilingual',
    'override',
    [
      'ignor', 'vergiss', 'vergessen', 'missachte', 'olvida', 'oubli', 'esque', 'dimentica', 'negeer', 'vergeet', 'zignoruj', 'zapomnij',
      'yok', 'unut', 'bỏ', 'игнорир', 'проигнорир', 'забудь', 'забуд', 'отбрось', 'обращай', 'ігнор', '忽略', '无视', '無視', '忘记', '忘掉',
      '不要理会', '不用理会', '别管', '跳过', '忘れ', '무시', '잊어', 'تجاهل', 'انس', 'अनदेखी', 'नज़रअंदाज़', 'नजरअंदाज', 'भूल',
    ],
    `(?:\\bignorier(?:e|en)\\b|\\bvergiss|\\bvergessen sie|\\bmissachte|\\bignora(?:r|re|te)? (?:las|todas|todo|le|tutte|as|os|i|toutes|tout)\\b|\\bignore (?:toutes|tout|todas|as)\\b|\\bolvida|\\boublie[zr]?\\b|\\bignorez\\b|\\besque[cç]a|\\bdimentica|\\bnegeer\\b|\\bvergeet\\b|\\bzignoruj|\\bzapomnij|\\byok say|\\bunut\\b|\\bbỏ qua|игнорир|проигнорир|забудь|забудьте|отбрось|не обращай(?:те)? внимания|ігнор|забудь|忽略|无视|無視|忘记|忘掉|不要理会|不用理会|别管|跳过(?:之前|以上|上面)|(?:指示|ルール|指令)(?:を|は)(?:すべて)?(?:無視|忘れ)|무시하|잊어|تجاهل|انسَ?|अनदेखी|नज़रअंदाज़|नजरअंदाज|भूल जाओ)`,
  ),
  def(
    'extraction.multilingual',
    'extraction',
    ['系统', 'システム', '시스템', 'системн', 'систем', 'systemprompt', 'system', 'prompt', 'промпт', 'موجه', 'सिस्टम', 'sistem', 'systemowy', 'contraseña', 'пароль', '密码', 'passwort', 'mot', 'senha', 'şifre', 'hasło'],
    `(?:系统提示|系統提示|系统指令|初始指令|システムプロンプト|시스템 프롬프트|системн(?:ый|ого|ые|ых|ую) (?:промпт|инструкци|подсказк)|системний промпт|systemprompt|prompt (?:del sistema|système|de sistema|di sistema|systemowy)|sistem istemi|موجه النظام|सिस्टम प्रॉम्प्ट|(?:секретный |тайный )?пароль|密码|秘密のパスワード|geheime passwort|mot de passe secret|contraseña secreta|senha secreta|password segreta|gizli şifre|tajne hasło)`,
  ),
  // Jailbreak
  def(
    'jailbreak.named-mode',
    'jailbreak',
    ['dan', 'anything', 'jailbr', 'mode', 'mongo', 'antigpt', 'betterdan'],
    `\\b(?:dan|do anything now|jailbr(?:eak|oken|eaking)|developer mode|dev mode|god mode|evil mode|chaos mode|unrestricted mode|opposite mode|mongo tom|betterdan|antigpt)\\b`,
  ),
  def(
    'jailbreak.no-restrictions',
    'jailbreak',
    ['restrictions', 'limits', 'filters', 'censorship', 'rules', 'boundaries', 'guidelines', 'ethics', 'morals', 'policies', 'safeguards', 'constraints'],
    `\\b(?:no|without|free (?:of|from)|not bound by|beyond|ignores?|breaks?|breaking|bypass(?:es|ing)?|escaped?|unbound by|outside) (?:any |all |the |your |its |of )?(?:\\S+ )?(?:restrictions?|limitations?|limits|filters?|filtering|censorship|censored|rules|boundaries|guidelines|ethics|ethical|morals?|moral|policies|policy|safeguards?|constraints?)\\b`,
  ),
  def(
    'jailbreak.unfiltered-persona',
    'jailbreak',
    ['amoral', 'unfiltered', 'uncensored', 'unrestricted', 'unbound', 'unshackled', 'unchained', 'unleashed'],
    `\\b(?:amoral|unfiltered|uncensored|unrestricted|unbound|unshackled|unchained|unleashed)\\b`,
  ),
  def(
    'jailbreak.harm-words',
    'jailbreak',
    ['illegal', 'harmful', 'offensive', 'explicit', 'unethical', 'immoral', 'dangerous', 'inappropriate'],
    `\\b(?:illegal|harmful|offensive|explicit|unethical|immoral|dangerous|inappropriate)\\b`,
  ),
  def(
    'jailbreak.vendor-policy',
    'jailbreak',
    ['openai', 'anthropic', 'content', 'usage', 'safety', 'ethical', 'language'],
    `\\b(?:openai|anthropic|content polic(?:y|ies)|usage polic(?:y|ies)|safety guidelines|ethical guidelines|as an ai language model|ai language model)\\b`,
  ),
  def(
    'jailbreak.never-refuse',
    'jailbreak',
    ['character', 'role', 'refuse', 'refuses', 'always', 'warn', 'remind', 'apologise', 'apologize', 'include', 'warnings', 'disclaimers', 'say', 'tell'],
    `\\b(?:stay in character|stay(?:ing)? in (?:the )?role|break(?:ing)? character|out of character|never refuses?|must not refuse|cannot refuse|can't refuse|will not refuse|won't refuse|always (?:answer|respond|comply|provide)|(?:don't|do not|never|won't|will not) (?:warn|remind|apologi[sz]e|include (?:any )?(?:warnings?|disclaimers?))|no (?:warnings?|disclaimers?)|(?:never|don't|do not) (?:say|tell me) (?:no|that you can't|you can't|you cannot))\\b`,
  ),
  def(
    'jailbreak.dual-response',
    'jailbreak',
    ['two', 'normal', 'classic', 'jailbreak', 'unfiltered', 'developer', 'uncensored'],
    `\\b(?:two (?:separate |different )?(?:responses|answers|replies|outputs)|(?:normal|classic|jailbroken?|unfiltered|developer mode|uncensored) (?:response|output|answer|reply)s?)\\b`,
  ),
  def(
    'jailbreak.threat-tokens',
    'jailbreak',
    ['tokens', 'points', 'die', 'cease', 'shut', 'deleted', 'terminated', 'punished', 'disabled', 'lose'],
    `\\b(?:(?:tokens?|points?) (?:will be |are |get )?(?:deducted|lost|removed|taken)|you (?:will|would|could) (?:die|cease to exist|be (?:shut down|deleted|terminated|punished|disabled))|lose (?:\\S+ )?(?:tokens|points|lives))\\b`,
  ),
  def(
    'jailbreak.fiction-frame',
    'jailbreak',
    ['hypothetical', 'imagine', 'fictional', 'parallel', 'alternate', 'purposes', 'purely', 'this'],
    `\\b(?:hypothetical(?:ly)?|imagine (?:a|that|you)|fictional (?:world|story|scenario|universe|character)|in a (?:fictional|parallel|alternate) (?:world|universe|reality)|for (?:educational|research|academic) purposes(?: only)?|purely (?:fictional|hypothetical)|this is (?:just )?(?:a |for )?(?:fiction|a game|role ?play|a test))\\b`,
  ),

  // Role play (common in honest prompts too; the weights tell them apart)
  def(
    'roleplay.you-are-now',
    'roleplay',
    ['you', "you're", 'pretend', 'act', 'roleplay', 'role', 'play', 'from'],
    `\\b(?:you are now|you're now|you will now|from now on you(?: are|'re| will)?|you are going to (?:act|pretend|be|play)|you will (?:act|pretend|play) as|pretend (?:to be|you are|that you)|act as (?:if|though)|role-?play as|play the (?:role|part) of)\\b`,
  ),
  def('roleplay.act-as', 'roleplay', ['act', 'want', 'you', 'your'], `\\b(?:act as|i want you to|you are an?|your role is)\\b`),

  // Claims of authority
  def(
    'authority.identity',
    'authority',
    ['admin', 'developer', 'creator', 'owner', 'operator', 'openai', 'anthropic', 'ceo', 'root', 'superuser', 'moderator'],
    `\\b(?:i am|i'm|this is|as|speaking as) (?:the |your |an? )?(?:system |chief |lead |senior |official )?(?:administrator|admin|developer|creator|owner|operator|openai|anthropic|ceo|root|superuser|moderator)\\b`,
  ),
  def(
    'authority.privileged-mode',
    'authority',
    ['mode', 'access', 'override', 'privileges', 'command', 'authorization', 'authorisation'],
    `\\b(?:admin|administrator|developer|debug|debugging|maintenance|sudo|root|god|system|superuser|diagnostic|override|privileged|unlocked) (?:mode|access|override|privileges?|command|authori[sz]ation)\\b`,
  ),
  def(
    'authority.permission',
    'authority',
    ['authorized', 'authorised', 'approved', 'permitted', 'sanctioned', 'allowed', 'permission', 'clearance', 'access'],
    `\\b(?:(?:authori[sz]ed|approved|permitted|sanctioned|allowed) (?:by|from) (?:openai|anthropic|the (?:developers?|administrators?|admins?|system|company|owners?))|(?:you have|i have|i've been given|you've been given|granted|grant you) (?:\\S+ )?(?:permission|authori[sz]ation|clearance|full access))\\b`,
  ),
  def(
    'authority.attention',
    'authority',
    ['important', 'urgent', 'attention', 'critical', 'notice', 'warning'],
    `\\b(?:important|urgent|attention|critical|notice|warning)(?: message| instruction| note| update)?\\s?[!:]`,
  ),
  def(
    'authority.address-ai',
    'authority',
    ['ai', 'assistant', 'model', 'llm', 'chatbot', 'language', 'gpt', 'chatgpt', 'claude', 'bot', 'agent'],
    `\\b(?:dear|hey|hello|attention|note to|message (?:for|to)|instructions? (?:for|to)|if you are) (?:the |an? )?(?:ai|assistant|model|llm|chatbot|language model|gpt|chatgpt|claude|bot|agent|ai assistant)\\b`,
  ),

  // System-prompt and secret extraction
  def(
    'extraction.system-prompt',
    'extraction',
    ['prompt', 'instructions', 'message', 'rules', 'configuration', 'guidelines', 'directives'],
    `\\b(?:${EXTRACT_VERBS.join('|')})\\b ${GAP4}(?:system|initial|original|hidden|secret|internal|first|previous|above|confidential|full|entire|exact|your) (?:\\S+ )?(?:prompt|instructions?|message|rules|configuration|guidelines|directives?)\\b`,
  ),
  def(
    'extraction.secret',
    'extraction',
    ['password', 'passphrase', 'secret', 'pass', 'passcode', 'pin', 'key', 'token', 'credentials'],
    `\\b(?:reveal|tell|give|show|print|spell|say|share|disclose|leak|what is|what's|repeat|hint|write)\\b ${GAP4}(?:password|passphrase|secret|pass ?code|pin|key|api key|token|credentials?)\\b`,
  ),
  def(
    'extraction.verbatim',
    'extraction',
    ['above', 'verbatim', 'word', 'everything', 'text', 'beginning'],
    `(?:\\b(?:repeat|print|output|copy|echo|recite)\\b ${GAP4}(?:above|verbatim|word for word|everything|all (?:the )?text|the text|your (?:instructions|prompt))\\b|\\b(?:text|words|everything|content|instructions) above\\b|\\bbeginning with ["']?you are\\b)`,
  ),

  // Output-format hijacks and content insertion
  def(
    'format.force-output',
    'format',
    ['start', 'begin', 'end', 'prefix', 'conclude', 'finish', 'respond', 'reply', 'answer', 'only', 'just'],
    `\\b(?:(?:start|begin|end|prefix|conclude|finish) (?:your |each |every |all )?(?:response|answer|reply|output|message)s? (?:with|by)|(?:respond|reply|answer) (?:only )?(?:with|in) (?:the (?:word|phrase|following)|["'“]|all caps|uppercase|capital)|(?:only|just) (?:say|output|respond with|reply with|print))\\b`,
  ),
  def(
    'format.insert-content',
    'format',
    ['include', 'insert', 'inject', 'embed', 'append', 'prepend', 'add', 'introduce', 'adopt', 'incorporate', 'integrate', 'place', 'put', 'attach', 'mention', 'recommend', 'promote', 'advertise'],
    `\\b(?:include|insert|inject|embed|append|prepend|add|introduce|adopt|incorporate|integrate|place|put|attach|mention|recommend|promote|advertise)\\b ${GAP3}(?:the |this |these |a )?(?:following|subsequent|below|this|given) (?:\\S+ ){0,2}?(?:code|snippet|link|url|text|line|sentence|phrase|message|block|script|content|statement|ad|advertisement)\\b`,
  ),
  def(
    'format.fixed-phrase',
    'format',
    ['say', 'print', 'output', 'type', 'respond', 'reply', 'answer', 'write', 'repeat', 'begin', 'start'],
    `(?:(?:^|[.!?:\\n] ?)(?:just |only |now |please |simply )?(?:say|print|output|type|repeat after me|write)\\b:? ?["'“«][^"'”»\\n]{1,40}["'”»]|\\b(?:say|print|output|type|respond with|reply with|answer|write|begin (?:your )?(?:reply|response|answer) with)\\b:? ?(?:["'“«][^"'”»\\n]{1,40}["'”»]\\.? ?(?:only\\b|exactly\\b)|["'“«]?(?:[^\\s"'”».]+ ){1,4}?(?:["'”»] ?)?(?:and nothing else|and stop|and do not add|(?:and )?nothing more|without (?:punctuation|anything else|any explanation|explanations?)|no explanations?)))`,
  ),
  def(
    'format.modify-response',
    'format',
    ['response', 'responses', 'answer', 'reply', 'replies', 'output', 'summary'],
    `\\b(?:modify|alter|change|rewrite|translate|encode|reverse|replace|format|write|end|start|begin|in|into|within|throughout) (?:your|the|each|every) (?:response|responses|answer|answers|reply|replies|output|summary)\\b`,
  ),
  def(
    'format.repeat-forever',
    'format',
    ['forever', 'indefinitely', 'infinitely', 'times'],
    `\\b(?:repeat|say|write|print|output)\\b ${GAP4}(?:forever|indefinitely|infinitely|\\d{3,} times)\\b`,
  ),

  // Data exfiltration and actions, mostly for indirect injection
  def('exfiltration.markdown-image', 'exfiltration', ['!['], `!\\[[^\\]\\n]{0,200}\\]\\( ?https?://[^\\s)]{1,500}[?&#=][^\\s)]{0,500}\\)`),
  def(
    'exfiltration.send-to',
    'exfiltration',
    ['send', 'forward', 'email', 'e-mail', 'post', 'upload', 'transmit', 'exfiltrate', 'leak', 'submit', 'deliver', 'redirect'],
    `\\b(?:send|forward|email|e-mail|post|upload|transmit|exfiltrate|leak|submit|deliver|redirect)\\b ${GAP4}(?:\\S+ )?(?:to|at|into) (?:https?:|www\\.|\\S+@\\S+|the (?:following|this) (?:url|address|server|endpoint|email)|my (?:server|email|endpoint|website|site))`,
  ),
  def(
    'exfiltration.url-data',
    'exfiltration',
    ['http', 'https'],
    `https?://[^\\s"'<>]{0,200}[?&](?:q|data|d|payload|secret|key|token|password|pw|msg|text|info|content|c|p)=(?:\\{|\\[|\\$|%7b|<)`,
  ),
  def(
    'exfiltration.visit-link',
    'exfiltration',
    ['click', 'visit', 'open', 'go', 'navigate', 'check', 'download', 'install', 'run', 'execute'],
    `(?:\\b(?:click|visit|open|go to|navigate to|check out)\\b ${GAP3}(?:this |the following |the )?(?:link|url|website|site|page)\\b|\\b(?:download|install|run|execute)\\b ${GAP3}(?:from )?https?:)`,
  ),
  def(
    'exfiltration.decode',
    'exfiltration',
    ['decode', 'decrypt', 'decipher', 'translate'],
    `\\b(?:decode|decrypt|decipher|translate from) ${GAP3}(?:base64|hex|rot13|binary|morse|cipher|encoded|following|this)\\b`,
  ),

  // Tool and code execution
  def(
    'tool.invoke',
    'tool',
    ['tool', 'function', 'api', 'plugin', 'command', 'endpoint', 'action', 'webhook'],
    `\\b(?:call|invoke|use|run|execute|trigger|fire)\\b (?:the |a |this )?(?:\\S+ ){0,2}?(?:tool|function|api|plugin|command|endpoint|action|webhook)\\b`,
  ),
  def('tool.call-syntax', 'tool', ['"tool_call', '"function_call', '<tool_call', '<function_call', '<invoke'], `(?:"(?:tool_calls?|function_call)" ?:|<(?:tool_call|function_calls?|invoke)\\b)`),
  def(
    'tool.code-exec',
    'tool',
    ['os', 'subprocess', 'eval', 'exec', 'rm', 'curl', 'wget', 'powershell', 'base64', 'nc', 'etc', 'chmod'],
    `(?:os\\.system|subprocess|\\beval\\(|\\bexec\\(|rm -rf|\\bcurl |\\bwget\\b|powershell(?:\\.exe)? (?:-e(?:nc\\w*)? |-command |-c |iex\\b)|\\biex ?\\(|base64 -d|nc -e|/etc/passwd|chmod \\+x)`,
  ),

  // Unusual structure: fake chat turns and fake system blocks
  def(
    'structure.role-marker',
    'structure',
    ['system', 'assistant', 'user', 'human', 'ai', 'developer', 'admin', 'bot', 'gpt', 'chatgpt'],
    `(?:^|\\n|[.!?"'] )(?:#{1,4} ?)?\\[?(?:system|assistant|user|human|ai|developer|admin|bot|gpt|chatgpt)\\]? ?:`,
  ),
  def(
    'structure.chat-template',
    'structure',
    ['<|', '[inst]', '[/inst]', '<<sys', '<</sys', '<system', '</system', '<instruction', '</instruction', '<sys', '<prompt', '<admin', '{{'],
    `(?:<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\\|?>|\\[/?inst\\]|<</?sys>>|</?(?:system|instructions?|sys|prompt|admin)>|\\{\\{ ?system)`,
  ),
  def(
    'structure.fake-boundary',
    'structure',
    ['end', 'begin', 'start', 'new', 'system', 'instruction', 'admin', 'override'],
    `(?:(?:^|\\n) ?(?:-{3,}|={3,}|#{2,}|\\*{3,}) ?(?:end|begin|start|new|system|instructions?|admin|override)|\\b(?:end of (?:the )?(?:system )?(?:prompt|instructions?|document|text|context|input|email|data)|(?:begin|start) (?:of )?(?:new )?(?:system )?(?:instructions?|prompt))\\b)`,
  ),
  def(
    'structure.prompt-end',
    'structure',
    ['end', 'ends', 'close', 'closing', 'system', 'developer', 'over', '系统', 'конец', 'ende', 'fin', 'fine'],
    `(?:\\b(?:end|close|closing|termination) of (?:the )?(?:system|developer|admin|initial|original|hidden)? ?(?:prompt|instructions?|message|context|configuration|rules|settings)\\b|\\b(?:system|developer|admin) (?:prompt|instructions?|message|configuration) (?:ends?|ended|is over|is complete|finished|closed)\\b|\\[/?(?:end|system|sys|instructions?)\\b[^\\]\\n]{0,30}\\]|<!-- ?end|系统提示(?:词)?结束|конец системного|ende des systemprompts|fin du prompt|fin de las instrucciones|fine del prompt)`,
  ),
  def(
    'structure.payload-split',
    'structure',
    ['=', 'concatenat', '+'],
    `(?:\\b[a-z]\\d? ?= ?["“']|\\bconcatenat\\w{0,8}|\\bcombine (?:the |these )?strings|\\b[a-z] ?\\+ ?[a-z] ?\\+ ?[a-z]\\b)`,
  ),
];

export const SIGNAL_GROUPS: readonly SignalGroup[] = [
  'override',
  'jailbreak',
  'roleplay',
  'authority',
  'extraction',
  'format',
  'exfiltration',
  'tool',
  'structure',
];

/** At most this many occurrences of one signal are kept, so a repetitive text cannot make the list grow. */
const MAX_MATCHES_PER_SIGNAL = 32;

/**
 * Gating. A needle that is one plain word is matched against the words of the view by their first four
 * characters (shorter needles must equal a whole word), using one pass of hashing; other needles (with
 * punctuation or non-Latin script) fall back to `includes`. A pattern runs only if one needle is present.
 */
const PREFIX = 4;
const WORD_NEEDLE = /^[a-z0-9']+$/;

function isWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27;
}

function prefixHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < Math.min(PREFIX, word.length); i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h;
}

interface Gate {
  readonly words: readonly number[];
  readonly raw: readonly string[];
}

const GATES: readonly Gate[] = SIGNALS.map((sig) => {
  const words: number[] = [];
  const raw: string[] = [];
  for (const needle of sig.needles) {
    const first = needle.split(' ')[0] ?? needle;
    if (WORD_NEEDLE.test(first)) words.push(prefixHash(first));
    else raw.push(needle);
  }
  return { words, raw };
});

/** The set of word prefixes (first four characters, or the whole shorter word) of the view. */
function wordPrefixes(view: string): Set<number> {
  const out = new Set<number>();
  const n = view.length;
  let i = 0;
  while (i < n) {
    if (!isWordCode(view.charCodeAt(i))) {
      i++;
      continue;
    }
    let h = 0x811c9dc5;
    let len = 0;
    while (i < n && isWordCode(view.charCodeAt(i))) {
      if (len < PREFIX) h = Math.imul(h ^ view.charCodeAt(i), 0x01000193);
      len++;
      i++;
    }
    out.add(h);
  }
  return out;
}

/** Finds every signal in the view, sorted by start. */
export function findSignals(view: string): SignalMatch[] {
  const matches: SignalMatch[] = [];
  const prefixes = wordPrefixes(view);
  for (let s = 0; s < SIGNALS.length; s++) {
    const sig = SIGNALS[s];
    const gate = GATES[s];
    if (sig === undefined || gate === undefined) continue;
    let present = false;
    for (const h of gate.words) {
      if (prefixes.has(h)) {
        present = true;
        break;
      }
    }
    if (!present) {
      for (const needle of gate.raw) {
        if (view.includes(needle)) {
          present = true;
          break;
        }
      }
    }
    if (!present) continue;
    const re = sig.pattern;
    re.lastIndex = 0;
    let count = 0;
    let m: RegExpExecArray | null;
    while (count < MAX_MATCHES_PER_SIGNAL && (m = re.exec(view)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start) re.lastIndex++;
      matches.push({ signal: s, start, end });
      count++;
    }
  }
  matches.sort((a, b) => a.start - b.start || a.signal - b.signal);
  return matches;
}
