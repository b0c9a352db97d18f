// W4: Mamba-2 SSD, 24 heads, head dim 64, N=128, L=2048 (mixers.md §e.1): the plain recurrence of ssd.h.
#include "ssd.h"

int main(int argc, char **argv) { return ssd_main(argc, argv, "W4", 1); }
