// English function words: articles, pronouns, prepositions, conjunctions,
// auxiliaries, question words and a few very common adverbs, plus the
// fragments the BERT pre-tokenizer leaves from contractions ("don't" → don ' t).
// They stay in the vocabulary (so they never fall apart into sub-word pieces)
// but weigh almost nothing in a sentence vector.
export const STOP_WORDS = Object.freeze(
  `a about above across after afterwards again against all almost alone along already also although always am among
  amongst an and another any anybody anyhow anyone anything anyway anywhere are around as at be became because become
  becomes becoming been before beforehand behind being below beside besides between beyond both but by can cannot
  could did do does doing done down during each either else elsewhere enough etc even ever every everybody everyone
  everything everywhere except few for former formerly from further had has have having he hence her here hereafter
  hereby herein hers herself him himself his how however i ie if in indeed into is it its itself just latter latterly
  least less many may me meanwhile might mine more moreover most mostly much must my myself namely neither never
  nevertheless next no nobody none noone nor not nothing now nowhere of off often on once one ones only onto or other
  others otherwise our ours ourselves out over own per perhaps please quite rather re really same shall she should
  since so some somebody somehow someone something sometime sometimes somewhere still such than that the their theirs
  them themselves then thence there thereafter thereby therefore therein thereupon these they this those though
  through throughout thru thus to together too toward towards under until up upon us very via was we well were what
  whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither
  who whoever whole whom whose why will with within without would yet you your yours yourself yourselves
  s t d ll m ve re don didn doesn isn wasn weren aren hasn haven hadn won wouldn shouldn couldn mustn
  let lets`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
