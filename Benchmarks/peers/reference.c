/*
 * A hand-written special-purpose simulator of the peers' three models (M/M/1, M/M/8 and the
 * 3-station tandem), written plainly and fast, as the yardstick for capsim's event loop: what a
 * programmer who knows the model would write in C. No framework, no statistics beyond a running
 * mean of the sojourn, no allocation in the loop.
 *
 *   cc -O2 -I ../../Sources/CZiggurat/include -o reference reference.c -lm
 *   ./reference mm1|mm8|tandem CUSTOMERS SEED
 *
 * Prints one JSON line in the peers' format (tool, model, customers, events, cpu_seconds,
 * events_per_second, mean_sojourn_ms, theory_ms). An event is an arrival at or a departure from
 * a station, as in run.sh: 2 per customer per station visited. Draws: xoshiro256** words
 * turned into exponentials as capsim turns its Philox words into them, by the ziggurat with
 * capsim's own tables (Sources/CZiggurat/include/CZiggurat.h). The event list is a binary heap of
 * (time, sequence) pairs, the sequence breaking ties in scheduling order.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CZiggurat.h"

static uint64_t rng[4];
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next64(void) {
    uint64_t result = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;
    rng[2] ^= rng[0]; rng[3] ^= rng[1]; rng[1] ^= rng[2]; rng[0] ^= rng[3];
    rng[2] ^= t; rng[3] = rotl(rng[3], 45);
    return result;
}
static inline double uniform(void) { return (double)(next64() >> 11) * 0x1.0p-53; /* [0, 1) */ }
/* A standard exponential as capsim draws it (RandomStream+Exponential.swift): 8 bits pick a
 * layer, 53 bits its abscissa; accepted at once 97.8 % of the time, else the wedge or the tail. */
static double standardExponential(void) {
    for (;;) {
        uint64_t bits = next64() >> 3;
        unsigned layer = (unsigned)(bits & 0xFF);
        uint64_t j = bits >> 8;
        double x = (double)(int64_t)j * capsim_ziggurat_w_at(layer);
        if (j < capsim_ziggurat_k_at(layer)) return x;
        if (layer == 0) return capsim_ziggurat_r() - log(1 - uniform());
        double below = capsim_ziggurat_f_at(layer);
        if ((capsim_ziggurat_f_at(layer - 1) - below) * uniform() + below < exp(-x)) return x;
    }
}
static inline double exponential(double mean) { return mean * standardExponential(); }

/* An event: when, its tie-breaking sequence, and what: customer c arrives at (kind 0) or
 * departs from (kind 1) station s; s = -1 with kind 0 is the next external arrival. */
typedef struct { double time; uint64_t seq; int32_t kind, station, customer; } Event;
static Event *heap;
static size_t heapCount, heapCapacity;
static uint64_t sequence;
static inline int before(const Event *a, const Event *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}
static void push(double time, int kind, int station, int customer) {
    if (heapCount == heapCapacity) { /* grows a few times at start-up, never in steady state */
        heapCapacity = heapCapacity ? 2 * heapCapacity : 1024;
        heap = realloc(heap, heapCapacity * sizeof(Event));
    }
    Event e = {time, sequence++, kind, station, customer};
    size_t i = heapCount++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &heap[parent])) break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = e;
}
static Event pop(void) {
    Event top = heap[0], last = heap[--heapCount];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= heapCount) break;
        if (child + 1 < heapCount && before(&heap[child + 1], &heap[child])) child++;
        if (!before(&heap[child], &last)) break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = last;
    return top;
}

/* A FIFO line of customer ids per station (a ring buffer that doubles when full). */
typedef struct { int32_t *items; size_t head, count, capacity; int busy, servers; double meanService; } Station;
static void enqueue(Station *s, int32_t c) {
    if (s->count == s->capacity) {
        size_t n = s->capacity ? 2 * s->capacity : 1024;
        int32_t *items = malloc(n * sizeof(int32_t));
        for (size_t k = 0; k < s->count; k++) items[k] = s->items[(s->head + k) % s->capacity];
        free(s->items);
        s->items = items; s->head = 0; s->capacity = n;
    }
    s->items[(s->head + s->count++) % s->capacity] = c;
}
static int32_t dequeue(Station *s) {
    int32_t c = s->items[s->head];
    s->head = (s->head + 1) % s->capacity;
    s->count--;
    return c;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: reference mm1|mm8|tandem CUSTOMERS SEED\n"); return 64; }
    const char *model = argv[1];
    long customers = atol(argv[2]);
    uint64_t seed = strtoull(argv[3], NULL, 10);
    Station stations[3];
    memset(stations, 0, sizeof stations);
    int count;
    double meanGap, theory;
    if (!strcmp(model, "mm1")) {
        count = 1; meanGap = 1.0 / 900; stations[0].servers = 1; stations[0].meanService = 0.001;
        theory = 10.0;
    } else if (!strcmp(model, "mm8")) {
        count = 1; meanGap = 1.0 / 7200; stations[0].servers = 8; stations[0].meanService = 0.001;
        theory = 1.8518; /* Erlang C: 1 ms + C(8, 7.2) / (8 - 7.2) ms */
    } else if (!strcmp(model, "tandem")) {
        count = 3; meanGap = 1.0 / 600;
        double means[3] = {0.001, 0.0008, 0.0005};
        for (int k = 0; k < 3; k++) { stations[k].servers = 1; stations[k].meanService = means[k]; }
        theory = 1e3 * (0.001 / (1 - 0.6) + 0.0008 / (1 - 0.48) + 0.0005 / (1 - 0.3));
    } else { fprintf(stderr, "unknown model %s\n", model); return 64; }
    rng[0] = seed ^ 0x9E3779B97F4A7C15ull; rng[1] = seed * 0xBF58476D1CE4E5B9ull + 1;
    rng[2] = 0x94D049BB133111EBull; rng[3] = seed + 0x2545F4914F6CDD1Dull;
    for (int k = 0; k < 16; k++) next64();

    /* Customers in the system: their arrival time, in slots reused through a free list. */
    size_t slots = 1 << 16;
    double *entered = malloc(slots * sizeof(double));
    int32_t *freeList = malloc(slots * sizeof(int32_t));
    size_t freeCount = 0, used = 0;

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    long arrived = 0, done = 0;
    uint64_t events = 0;
    double sojournSum = 0;
    push(exponential(meanGap), 0, -1, -1);
    while (heapCount > 0) {
        Event e = pop();
        double now = e.time;
        if (e.kind == 0) {
            int32_t c = e.customer;
            if (e.station < 0) { /* a new customer, and the next one's arrival */
                if (freeCount > 0) c = freeList[--freeCount];
                else {
                    if (used == slots) {
                        slots *= 2;
                        entered = realloc(entered, slots * sizeof(double));
                        freeList = realloc(freeList, slots * sizeof(int32_t));
                    }
                    c = (int32_t)used++;
                }
                entered[c] = now;
                if (++arrived < customers) push(now + exponential(meanGap), 0, -1, -1);
                e.station = 0;
            }
            events++;
            Station *s = &stations[e.station];
            if (s->busy < s->servers) {
                s->busy++;
                push(now + exponential(s->meanService), 1, e.station, c);
            } else enqueue(s, c);
        } else {
            events++;
            Station *s = &stations[e.station];
            if (s->count > 0) push(now + exponential(s->meanService), 1, e.station, dequeue(s));
            else s->busy--;
            if (e.station + 1 < count) { /* straight on to the next station: its arrival */
                Event next = {now, 0, 0, e.station + 1, e.customer};
                events++;
                Station *n = &stations[next.station];
                if (n->busy < n->servers) {
                    n->busy++;
                    push(now + exponential(n->meanService), 1, next.station, next.customer);
                } else enqueue(n, next.customer);
            } else {
                sojournSum += now - entered[e.customer];
                done++;
                freeList[freeCount++] = e.customer;
            }
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double cpu = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("{\"tool\": \"reference\", \"model\": \"%s\", \"customers\": %ld, \"events\": %llu, "
           "\"cpu_seconds\": %.6f, \"events_per_second\": %.1f, \"mean_sojourn_ms\": %.4f, \"theory_ms\": %.4f}\n",
           model, done, (unsigned long long)events, cpu, (double)events / cpu, 1e3 * sojournSum / (double)done, theory);
    return 0;
}
