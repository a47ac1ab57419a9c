# Builds data/triage-writers.jsonl: the writer-independent corpus. Each line: the text, its writer and
# scenario, the writer's labels, the independent labeller's labels, and the settled labels (where they
# differed, settled by the guide by a third reader who saw neither source, recorded with the reason).
import json,glob,os,re,sys
base='/work/corpus-work'
# The writers to include (all with labels when none are named): a writer is in whole or not at all.
only=set(sys.argv[1:])
aspects=["category","kind","style","emotion","motive","nuisance","expectations","emergency"]
key=json.load(open(f'{base}/adjudicate/key.json'))
settled={}
for f in sorted(glob.glob(f'{base}/adjudicate/batch*.settled.jsonl')):
    for l in open(f):
        r=json.loads(l); settled[r["id"]]=r["settled"]
langs={}; personas={}
briefs={}
for f in sorted(glob.glob(f'{base}/briefs/W*.txt')):
    w=os.path.basename(f)[:3]
    lines=open(f).read().splitlines()
    langs[w]=lines[1].split(': ',1)[1]; personas[w]=lines[2].split(': ',1)[1]
    for line in lines[4:]:
        if not line.strip(): continue
        parts=[p.strip() for p in line.split(' | ')]
        d={p.split(': ',1)[0]:p.split(': ',1)[1] for p in parts[1:]}
        briefs[parts[0]]=d
HELD_OUT={"W04","W08","W11","W12"}
out=[]
for f in sorted(glob.glob(f'{base}/labels/W*.jsonl')):
    w=os.path.basename(f)[:3]
    if only and w not in only: continue
    texts={json.loads(l)["id"]:json.loads(l) for l in open(f'{base}/texts/{w}.jsonl')}
    for l in open(f):
        L=json.loads(l); T=texts[L["id"]]; b=briefs[L["id"]]
        what=b["what happened"]
        trap="twist:" in what
        scenario="emergency" if what.startswith(("a hazard","the customer says they will go","the customer says they will complain","the complaint reaches you","the customer actually lost")) else \
                 "nuisance" if what.startswith(("a prank","a rambling","the same person")) else \
                 "suggestion" if "mainly proposes" in what else "trap" if trap else "ordinary"
        labels={}; disputes=[]
        for k in aspects:
            a=T[k]; bb=L[k]
            same = (sorted(a)==sorted(bb)) if isinstance(a,list) else a==bb
            if same: labels[k]=sorted(a) if isinstance(a,list) else a; continue
            s=settled.get(L["id"],{}).get(k)
            if s is None: raise SystemExit(f"{L['id']} {k} not settled")
            v=s["value"]; labels[k]=sorted(v) if isinstance(v,list) else v
            src=key[f"{L['id']}|{k}"]
            picked = {"A":src[0],"B":src[1]}.get(s["choice"],"neither")
            disputes.append({"aspect":k,"writer":a,"labeller":bb,"settled":labels[k],"sided_with":picked,"why":s["why"]})
        out.append({"id":L["id"].lower(),"writer":w,"lang":langs[w],"persona":personas[w],"industry":b["industry"],"channel":b["channel"],
                    "scenario":scenario,"trap":trap,"text":T["text"],**labels,
                    "split":"held-out-writer" if w in HELD_OUT else "development",
                    "writerLabels":{k:T[k] for k in aspects},"labellerLabels":{k:L[k] for k in aspects},"disputes":disputes})
with open('/work/main/data/triage-writers.jsonl','w') as o:
    for r in out: o.write(json.dumps(r,ensure_ascii=False)+"\n")
print(len(out), sum(1 for r in out if r["disputes"]), sum(r["trap"] for r in out))
