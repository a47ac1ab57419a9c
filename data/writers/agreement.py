import json,glob,os,collections,sys
def kappa(a,b):
    n=len(a); po=sum(x==y for x,y in zip(a,b))/n
    ca=collections.Counter(a); cb=collections.Counter(b)
    pe=sum(ca[k]*cb.get(k,0) for k in ca)/(n*n)
    return po,(po-pe)/(1-pe) if pe<1 else 1.0
aspects=["category","kind","style","emotion","motive","nuisance","expectations","emergency"]
allw={k:[] for k in aspects}; alll={k:[] for k in aspects}
flags=["safety","legal_threat","regulator_exposure","media_exposure","major_economic_loss"]
fw={f:[] for f in flags}; fl={f:[] for f in flags}; anyw=[];anyl=[]
only=set(sys.argv[1:])  # the writers in the corpus (all with labels when none are named)
for f in sorted(glob.glob('/work/corpus-work/labels/W*.jsonl')):
    w=os.path.basename(f)[:3]
    if only and w not in only: continue
    texts={json.loads(l)["id"]:json.loads(l) for l in open(f'/work/corpus-work/texts/{w}.jsonl')}
    labs=[json.loads(l) for l in open(f)]
    for L in labs:
        T=texts[L["id"]]
        for k in aspects:
            tv=T[k]; lv=L[k]
            if isinstance(tv,list): tv=",".join(sorted(tv)); lv=",".join(sorted(lv))
            allw[k].append(str(tv)); alll[k].append(str(lv))
        for fl_ in flags:
            fw[fl_].append(fl_ in T["emergency"]); fl[fl_].append(fl_ in L["emergency"])
        anyw.append(bool(T["emergency"])); anyl.append(bool(L["emergency"]))
print("pairs:",len(allw["category"]))
for k in aspects:
    po,k_=kappa(allw[k],alll[k]); print(f"{k:14s} agreement {po:.3f} kappa {k_:.3f}")
for f_ in flags:
    po,k_=kappa(fw[f_],fl[f_]); print(f"  flag {f_:20s} agreement {po:.3f} kappa {k_:.3f}")
po,k_=kappa(anyw,anyl); print(f"any emergency agreement {po:.3f} kappa {k_:.3f}")
