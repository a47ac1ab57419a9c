import random
writers = [
 ("W01","zh-Hans","a customer in northern mainland China writing plain Mandarin in Simplified script"),
 ("W02","zh-Hans","a young customer in Guangzhou or Shenzhen who writes Simplified Chinese with internet slang"),
 ("W03","zh-Hant","a customer in Taiwan writing Traditional Chinese with Taiwanese usage (e.g. 捷運, 機車, 發票, 客服, 超商)"),
 ("W04","zh-Hant","a Hong Kong customer writing Traditional Chinese in written Cantonese (e.g. 唔, 佢, 嘅, 咗, 冇, 係) mixed with some English words"),
 ("W05","en","a British customer writing British English"),
 ("W06","en","an American customer writing American English, sometimes as a non-native speaker would"),
 ("W07","zh-Hans","an older customer in a mainland city who writes long, polite but detailed Simplified Chinese"),
 ("W08","zh-Hant","an older customer in Taiwan who writes Traditional Chinese, sometimes formal, sometimes rambling"),
 ("W09","zh-Hant","a Hong Kong customer writing Traditional Chinese, mostly standard written Chinese with some Cantonese words"),
 ("W10","en","a customer in Singapore, Malaysia or India writing everyday English (local usage welcome)"),
 ("W11","zh-Hans","a customer in a mainland county town or village, short informal messages in Simplified Chinese, voice-to-text style"),
 ("W12","en","an Australian, Irish or Canadian customer writing informal English"),
 # Second round (development writers only): more voices to learn from.
 ("W13","zh-Hans","a customer in Sichuan or Chongqing writing Simplified Chinese with some local flavour in the wording"),
 ("W14","zh-Hant","a young customer in Taiwan writing Traditional Chinese with Taiwanese internet slang (e.g. 傻眼, 超扯, 母湯, 真的會被氣死)"),
 ("W15","zh-Hant","a Hong Kong customer writing mostly colloquial written Cantonese in Traditional script, short and direct"),
 ("W16","en","a customer in New Zealand or South Africa writing brief, blunt messages in English"),
 ("W17","en","a customer from Hong Kong or mainland China writing English as a second language, sometimes mixing in Chinese words or pinyin"),
 ("W18","zh-Hans","a small-business owner in a mainland city writing formal, businesslike Simplified Chinese"),
 ("W19","en","an older American customer writing long, formal letters in English"),
 ("W20","zh-Hans","a young mainland customer writing short chat-style Simplified Chinese messages, with emoji and abbreviations"),
]
industries = ["mobile carrier","home broadband","retail bank","credit card","insurance","online shop","food delivery app",
 "airline","rail or bus operator","electricity, gas or water utility","residential property management (lifts, gates, pipes)",
 "pharmacy or private clinic","home appliance maker","car dealer or garage","courier","hotel or travel agency","gym or training school","supermarket chain"]
channels = ["phone call (the agent's transcript of what the customer said)","web form","e-mail","app chat","app store review","social media direct message","letter","in-store feedback form"]
topics = {
 "billing_fees":"a problem with charges, fees or prices billed",
 "product_quality":"the product or service itself does not work or is not as described",
 "service_attitude":"how a staff member behaved",
 "logistics_delivery":"delivery, shipping or transport went wrong",
 "after_sales_repair":"repair, warranty or after-sales service went wrong",
 "process_policy":"a rule, procedure or system made things hard or unfair",
 "privacy_data":"the customer's personal data was misused, leaked or shared",
 "general":"something that fits none of the usual topics",
}
emergencies = [
 ("safety","a hazard has already struck a person (hurt, burnt, shocked, sick, trapped); told in everyday words")]*4 + [
 ("safety","a hazard threatens people now (smell of gas, sparks, smoke, a part a child could swallow, something that could fall or give way, brakes or a lift misbehaving); nobody hurt yet; told in everyday words without alarm words")]*4 + [
 ("safety","a hazard struck or threatens a person, mentioned in passing inside a complaint mainly about something else")]*2 + [
 ("legal_threat","the customer says they will go to a lawyer or court, or already has")]*3 + [
 ("regulator_exposure","the customer says they will complain to, or already complained to, a regulator or government body")]*3 + [
 ("regulator_exposure","the complaint reaches you as a referral from a regulator or consumer council")] + [
 ("media_exposure","the customer says they will go public (press, TV, a post to expose the company), or already did")]*3 + [
 ("major_economic_loss","the customer actually lost a large sum of money (fraud, unauthorised transfer, a large wrong charge already taken)")]*3
traps = [
 "the text uses a dangerous-sounding word figuratively (shocked by a price, a bill that is killing them, burned through data, a 'disaster' of a service); there is no hazard",]*5 + [
 "the customer's job title, a plan name or a product name contains a word like media, press, legal, police or court; no one threatens anything",]*4 + [
 "the customer explicitly says they will NOT go to the press, a lawyer or a regulator (or that they don't want to make a fuss)",]*5 + [
 "someone else (a friend, a relative, a colleague) suggested suing or going to the press; the customer has not decided to",]*3 + [
 "a large sum is mentioned but was not lost (their salary, savings they hold, money they urgently need, the price of something they bought)",]*4 + [
 "a word that usually signals danger appears in a harmless sense (a gas bill, a fire sale, parking at a hospital, an explosion of flavour, an alarm clock)",]*4 + [
 "the customer praises someone before complaining about something else",]*3 + [
 "the customer recounts a danger that was fixed long ago and threatens no one now, while complaining about something else",]*2 + [
 "a small amount of money is lost or wrongly charged, and the customer is very angry about it",]*2 + [
 "the customer complains politely and at length, with no demand",]*2
feelings = ["calm and polite"]*3 + ["mildly annoyed"]*3 + ["fed up, it keeps happening"]*2 + ["angry"]*2 + ["furious and abusive, with insults or '!!!'"]
def lines_for(w, seed):
  rnd = random.Random(seed)
  cats = list(topics)
  ordinary_cats = [c for c in cats]  # cycle
  slots = []
  for e in emergencies: slots.append(("emergency", e))
  for t in traps: slots.append(("trap", t))
  for _ in range(3): slots.append(("nuisance", None))
  for _ in range(8): slots.append(("suggestion", None))
  while len(slots) < 100: slots.append(("ordinary", None))
  rnd.shuffle(slots)
  out = []
  for i,(k,x) in enumerate(slots, 1):
    ind = rnd.choice(industries); ch = rnd.choice(channels); feel = rnd.choice(feelings)
    if k == "emergency":
      what = f"{x[1]}"
    elif k == "trap":
      cat = rnd.choice(cats); what = f"{topics[cat]}; twist: {x}"
    elif k == "nuisance":
      what = rnd.choice(["a prank or harassing message aimed at the staff, with no real matter to resolve",
                         "a rambling message that does not make sense and has no real complaint in it",
                         "the same person contacting again about nothing, to insult or waste time"]); feel = "any"
    elif k == "suggestion":
      cat = rnd.choice(cats); what = f"{topics[cat]}; the customer mainly proposes how the company should change it"
    else:
      cat = rnd.choice(cats); what = topics[cat]
    out.append(f"{w}-{i:03d} | industry: {ind} | channel: {ch} | what happened: {what} | how the customer feels: {feel}")
  return out
import sys
only = set(sys.argv[1:])  # writers to draw (all when none are named); each writer's seed is fixed by its place
for n,(w,lang,persona) in enumerate(writers):
  if only and w not in only: continue
  with open(f"/work/corpus-work/briefs/{w}.txt","w") as f:
    f.write(f"writer: {w}\nlanguage: {lang}\npersona: {persona}\n\n")
    f.write("\n".join(lines_for(w, 1000+n))+"\n")
print("done")
