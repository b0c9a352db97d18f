// W5: Hydra's bidirectional SSD at W4's sizes (mixers.md §f), no projections: y = shift(F x) + flip(shift(R flip x)) + D x,
// two passes of the recurrence of ssd.h per (head, channel slice), forward then backward, on the same state memory.
#include "ssd.h"

int main(int argc, char **argv) { return ssd_main(argc, argv, "W5", 2); }
