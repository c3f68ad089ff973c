// CPrefetch is header-only (include/CPrefetch.h); SwiftPM needs a source file in a C target.
#include "CPrefetch.h"
