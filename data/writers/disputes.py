# Writes the disputes of the named writers (writer's labels against the blind labeller's) for a third
# reader: adjudicate/<batch>.jsonl with each disputed aspect's two values as A and B in a random order,
# and the order kept in adjudicate/key.json (which assemble.py reads), so the reader never knows whose is whose.
#   python3 disputes.py BATCH W13 W14 ...
import json,random,sys,os
base='/work/corpus-work'
batch,writers=sys.argv[1],sys.argv[2:]
aspects=["category","kind","style","emotion","motive","nuisance","expectations","emergency"]
keyfile=f'{base}/adjudicate/key.json'
key=json.load(open(keyfile)) if os.path.exists(keyfile) else {}
rnd=random.Random(batch)
out=[]
for w in writers:
    texts={json.loads(l)["id"]:json.loads(l) for l in open(f'{base}/texts/{w}.jsonl')}
    for l in open(f'{base}/labels/{w}.jsonl'):
        L=json.loads(l); T=texts[L["id"]]
        disputed={}
        for k in aspects:
            a,b=T[k],L[k]
            if (sorted(a)==sorted(b)) if isinstance(a,list) else a==b: continue
            order=["writer","labeller"]; rnd.shuffle(order)
            vals={"writer":a,"labeller":b}
            disputed[k]={"A":vals[order[0]],"B":vals[order[1]]}
            key[f'{L["id"]}|{k}']=order
        if disputed: out.append({"id":L["id"],"text":T["text"],"disputed":disputed})
with open(f'{base}/adjudicate/{batch}.jsonl','w') as o:
    for r in out: o.write(json.dumps(r,ensure_ascii=False)+"\n")
json.dump(key,open(keyfile,'w'),ensure_ascii=False)
print(batch, len(out), "complaints,", sum(len(r["disputed"]) for r in out), "aspects")
