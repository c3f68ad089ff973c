/*
 * A hand-written special-purpose simulator of the peers' three models (M/M/1, M/M/8 and the
 * 3-station tandem), written plainly and fast, as the yardstick for capsim's event loop: what a
 * programmer who knows the model would write in C. No framework, no statistics beyond a running
 * mean of the sojourn, no allocation in the loop.
 *
 *   cc -O2 -I ../../Sources/CZiggurat/include -o reference reference.c -lm
 *   cc -O2 -DPHILOX -I ../../Sources/CZiggurat/include -o reference-philox reference.c -lm
 *   ./reference mm1|mm8|tandem CUSTOMERS SEED
 *   ./reference kat        # Philox4x32-10 against Random123's known-answer vectors; 1 if wrong
 *
 * Prints one JSON line in the peers' format (tool, model, customers, events, cpu_seconds,
 * events_per_second, mean_sojourn_ms, theory_ms). An event is an arrival at or a departure from
 * a station, as in run.sh: 2 per customer per station visited. Draws: 64-bit words turned into
 * exponentials as capsim turns its Philox words into them, by the ziggurat with capsim's own
 * tables (Sources/CZiggurat/include/CZiggurat.h). The words come from one of two generators,
 * chosen when compiling (so neither build tests the choice per draw):
 *
 *   by default   one xoshiro256** sequence for every draw: what a hand-written loop uses.
 *   -DPHILOX     Philox4x32-10 blocks seated as capsim seats its keyed streams
 *                (Sources/SimRandom/PhiloxState.swift): the arrival gaps from one stream read in
 *                sequence, and each service from its station's stream seated at (replication,
 *                customer), a block computed per service. It prices capsim's random streams
 *                alone, apart from the rest of capsim.
 *
 * The tool field of the output names the build: "reference" or "reference-philox". The event
 * list is a binary heap of (time, sequence) pairs, the sequence breaking ties in scheduling order.
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

/* A Philox4x32-10 stream as capsim keeps one: key, the counter of the next block, the block's
 * four words and how many of them were used (4: none left). */
typedef struct { uint32_t key[2], counter[4], buffer[4], used; } Philox;
/* One round: two 32 x 32 -> 64-bit multiplies, their halves crossed and xored with the key;
 * between rounds the key's Weyl step (nine of them). Written out, as capsim's Swift unrolls its
 * loop. */
#define PHILOX_ROUND                                                                              \
    do {                                                                                          \
        uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;                \
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;        \
        c1 = (uint32_t)p1; c3 = (uint32_t)p0; c0 = n0; c2 = n2;                                   \
    } while (0)
#define PHILOX_BUMPED_ROUND                                                                       \
    do {                                                                                          \
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;                                                     \
        PHILOX_ROUND;                                                                             \
    } while (0)
static void philoxRefill(Philox *p) {
    uint32_t c0 = p->counter[0], c1 = p->counter[1], c2 = p->counter[2], c3 = p->counter[3];
    uint32_t k0 = p->key[0], k1 = p->key[1];
    PHILOX_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND;
    PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND; PHILOX_BUMPED_ROUND;
    p->buffer[0] = c0; p->buffer[1] = c1; p->buffer[2] = c2; p->buffer[3] = c3;
    p->used = 0;
    if (++p->counter[0] == 0) p->counter[1] = (p->counter[1] & 0xFFFF0000u) | ((p->counter[1] + 1) & 0xFFFFu);
}
static inline uint32_t philoxWord(Philox *p) {
    if (p->used >= 4) philoxRefill(p);
    return p->buffer[p->used++];
}
/* Puts the stream at (replication, entity), draw block 0, with nothing left in its buffer. */
static inline void philoxSeat(Philox *p, uint32_t replication, uint64_t entity) {
    p->counter[0] = 0;
    p->counter[1] = (uint32_t)entity << 16;
    p->counter[2] = (uint32_t)(entity >> 16);
    p->counter[3] = replication;
    p->used = 4;
}
#ifdef PHILOX
static Philox arrivalStream, serviceStreams[3], *current;
#endif
/* The next 64 bits of the generator in use: two Philox words (high first) or one xoshiro word. */
static inline uint64_t nextBits(void) {
#ifdef PHILOX
    uint64_t high = philoxWord(current);
    return high << 32 | philoxWord(current);
#else
    return next64();
#endif
}
static inline double uniform(void) { return (double)(nextBits() >> 11) * 0x1.0p-53; /* [0, 1) */ }
/* A standard exponential as capsim draws it (RandomStream+Exponential.swift): 8 bits pick a
 * layer, 53 bits its abscissa; accepted at once 97.8 % of the time, else the wedge or the tail. */
static double standardExponential(void) {
    for (;;) {
        uint64_t bits = nextBits() >> 3;
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
static inline double arrivalGap(double mean) {
#ifdef PHILOX
    current = &arrivalStream;
#endif
    return exponential(mean);
}
/* Customer c's service at station s; with Philox, drawn from the station's stream seated at c's
 * serial number (capsim seats a request's service draws at the request). */
#ifdef PHILOX
static uint64_t *serials;
#endif
static inline double service(int s, int32_t c, double mean) {
#ifdef PHILOX
    current = &serviceStreams[s];
    philoxSeat(current, 0, serials[c]);
#else
    (void)s;
    (void)c;
#endif
    return exponential(mean);
}

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

/* Random123's known-answer vectors for Philox4x32-10 (counter, key → block): zeros, ones and
 * the digits of pi, as in Tests/SimRandomTests/PhiloxKnownAnswerTests.swift. */
static int knownAnswers(void) {
    static const uint32_t vectors[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
         0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
         0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    int wrong = 0;
    for (int v = 0; v < 3; v++) {
        Philox p;
        memcpy(p.counter, vectors[v], sizeof p.counter);
        memcpy(p.key, vectors[v] + 4, sizeof p.key);
        philoxRefill(&p);
        if (memcmp(p.buffer, vectors[v] + 6, sizeof p.buffer)) wrong = 1;
    }
    printf("philox4x32-10 known answers: %s\n", wrong ? "WRONG" : "ok");
    return wrong;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "kat")) return knownAnswers();
    if (argc != 4) { fprintf(stderr, "usage: reference mm1|mm8|tandem CUSTOMERS SEED | kat\n"); return 64; }
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
#ifdef PHILOX
    /* The Philox streams' keys from the same words: distinct per stream, as capsim's keys are. */
    Philox *streams[4] = {&arrivalStream, &serviceStreams[0], &serviceStreams[1], &serviceStreams[2]};
    for (int k = 0; k < 4; k++) {
        uint64_t key = next64();
        streams[k]->key[0] = (uint32_t)key; streams[k]->key[1] = (uint32_t)(key >> 32);
        philoxSeat(streams[k], 0, 0);
    }
    current = &arrivalStream;
#endif

    /* Customers in the system: their arrival time, in slots reused through a free list. */
    size_t slots = 1 << 16;
    double *entered = malloc(slots * sizeof(double));
    int32_t *freeList = malloc(slots * sizeof(int32_t));
#ifdef PHILOX
    serials = malloc(slots * sizeof(uint64_t));
#endif
    size_t freeCount = 0, used = 0;

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    long arrived = 0, done = 0;
    uint64_t events = 0;
    double sojournSum = 0;
    push(arrivalGap(meanGap), 0, -1, -1);
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
#ifdef PHILOX
                        serials = realloc(serials, slots * sizeof(uint64_t));
#endif
                    }
                    c = (int32_t)used++;
                }
                entered[c] = now;
#ifdef PHILOX
                serials[c] = (uint64_t)arrived;
#endif
                if (++arrived < customers) push(now + arrivalGap(meanGap), 0, -1, -1);
                e.station = 0;
            }
            events++;
            Station *s = &stations[e.station];
            if (s->busy < s->servers) {
                s->busy++;
                push(now + service(e.station, c, s->meanService), 1, e.station, c);
            } else enqueue(s, c);
        } else {
            events++;
            Station *s = &stations[e.station];
            if (s->count > 0) {
                int32_t next = dequeue(s);
                push(now + service(e.station, next, s->meanService), 1, e.station, next);
            } else s->busy--;
            if (e.station + 1 < count) { /* straight on to the next station: its arrival */
                Event next = {now, 0, 0, e.station + 1, e.customer};
                events++;
                Station *n = &stations[next.station];
                if (n->busy < n->servers) {
                    n->busy++;
                    push(now + service(next.station, next.customer, n->meanService), 1, next.station, next.customer);
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
    printf("{\"tool\": \"%s\", \"model\": \"%s\", \"customers\": %ld, \"events\": %llu, "
           "\"cpu_seconds\": %.6f, \"events_per_second\": %.1f, \"mean_sojourn_ms\": %.4f, \"theory_ms\": %.4f}\n",
#ifdef PHILOX
           "reference-philox",
#else
           "reference",
#endif
           model, done, (unsigned long long)events, cpu, (double)events / cpu, 1e3 * sojournSum / (double)done, theory);
    return 0;
}
