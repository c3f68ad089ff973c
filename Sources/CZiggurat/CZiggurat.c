// CZiggurat is header-only (include/CZiggurat.h, written by generate.py); SwiftPM needs a source
// file in a C target.
#include "CZiggurat.h"
