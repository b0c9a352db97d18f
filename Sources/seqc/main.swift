print("seqc")
