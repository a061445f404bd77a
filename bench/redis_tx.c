/*
 * redis_tx: the consent endpoint's Redis transaction, sent as fast as Redis
 * answers it, from CLIENTS connections with one transaction in flight each
 * (redis-benchmark's model; it cannot send a MULTI ... EXEC itself).
 *
 *   redis_tx PORT CLIENTS TRANSACTIONS PAYLOAD_FILE REPLIES
 *
 * PAYLOAD_FILE holds the RESP bytes of one transaction, as the module
 * writes them (bench/bench.py builds it: MULTI, XADD, HSET, PEXPIRE,
 * EXEC); every run of 32 '@' in it becomes a fresh 32-hex-digit id per
 * transaction.  A transaction is done when REPLIES top-level replies have
 * arrived.  Prints one line: transactions, seconds, per second, latency
 * p50, p99 and max in milliseconds.  Exits 1 on any error reply.
 *
 * Plain C99 and POSIX, no library: cc -O2 -o redis_tx redis_tx.c
 */

#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ID_LEN   32
#define MAX_IDS  8

typedef struct {
    int      fd;
    char    *out;           /* this transaction's bytes */
    size_t   out_off;
    int      replies;       /* still expected */
    char     in[65536];
    size_t   in_len;
    double   started;
} conn_t;

static char    *payload;
static size_t   payload_len;
static size_t   id_at[MAX_IDS];
static int      nids;
static long     next_id;


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static void
die(const char *msg)
{
    perror(msg);
    exit(2);
}


/* bytes of one complete reply at p, 0 when incomplete, -1 when malformed */

static long
resp_skip(const char *p, const char *end, int *error)
{
    const char  *nl;
    long         n, i, k, used;

    if (p >= end) {
        return 0;
    }

    nl = memchr(p, '\n', (size_t) (end - p));
    if (nl == NULL) {
        return 0;
    }

    used = nl + 1 - p;

    switch (*p) {
    case '-':
        *error = 1;
        /* fall through */
    case '+':
    case ':':
        return used;

    case '$':
        n = strtol(p + 1, NULL, 10);
        if (n < 0) {
            return used;
        }
        return (end - p >= used + n + 2) ? used + n + 2 : 0;

    case '*':
        n = strtol(p + 1, NULL, 10);
        for (i = 0; i < n; i++) {
            k = resp_skip(p + used, end, error);
            if (k <= 0) {
                return k;
            }
            used += k;
        }
        return used;
    }

    return -1;
}


static void
start_tx(conn_t *c)
{
    int   i;
    char  id[ID_LEN + 1];

    memcpy(c->out, payload, payload_len);
    snprintf(id, sizeof(id), "%032lx", next_id++);

    for (i = 0; i < nids; i++) {
        memcpy(c->out + id_at[i], id, ID_LEN);
    }

    c->out_off = 0;
    c->started = now();
}


static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}


int
main(int argc, char **argv)
{
    int                  port, clients, replies, error, i, one;
    long                 total, started, done, k;
    ssize_t              n;
    double               t0, t1, *lat;
    FILE                *f;
    conn_t              *conns;
    struct pollfd       *pfd;
    struct sockaddr_in   sin;

    if (argc != 6) {
        fprintf(stderr, "usage: redis_tx PORT CLIENTS TRANSACTIONS "
                        "PAYLOAD_FILE REPLIES\n");
        return 2;
    }

    port = atoi(argv[1]);
    clients = atoi(argv[2]);
    total = atol(argv[3]);
    replies = atoi(argv[5]);

    f = fopen(argv[4], "rb");
    if (f == NULL) {
        die(argv[4]);
    }
    payload = malloc(1 << 20);
    payload_len = fread(payload, 1, 1 << 20, f);
    fclose(f);

    for (k = 0; k + ID_LEN <= (long) payload_len && nids < MAX_IDS; k++) {
        if (payload[k] == '@'
            && strspn(payload + k, "@") >= ID_LEN)
        {
            id_at[nids++] = (size_t) k;
            k += ID_LEN - 1;
        }
    }

    conns = calloc((size_t) clients, sizeof(conn_t));
    pfd = calloc((size_t) clients, sizeof(struct pollfd));
    lat = malloc((size_t) total * sizeof(double));
    if (conns == NULL || pfd == NULL || lat == NULL) {
        die("malloc");
    }

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short) port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    started = 0;
    done = 0;
    error = 0;

    for (i = 0; i < clients; i++) {
        conns[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        if (conns[i].fd < 0
            || connect(conns[i].fd, (struct sockaddr *) &sin, sizeof(sin)))
        {
            die("connect");
        }
        one = 1;
        setsockopt(conns[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
        conns[i].out = malloc(payload_len);
        pfd[i].fd = conns[i].fd;
        conns[i].replies = 0;
    }

    t0 = now();

    for (i = 0; i < clients && started < total; i++) {
        start_tx(&conns[i]);
        conns[i].replies = replies;
        started++;
    }

    while (done < total) {
        for (i = 0; i < clients; i++) {
            pfd[i].events = 0;
            if (conns[i].replies) {
                pfd[i].events = conns[i].out_off < payload_len ? POLLOUT
                                                                : POLLIN;
            }
        }

        if (poll(pfd, (nfds_t) clients, 10000) <= 0) {
            die("poll");
        }

        for (i = 0; i < clients; i++) {
            conn_t  *c = &conns[i];

            if (pfd[i].revents & POLLOUT) {
                n = write(c->fd, c->out + c->out_off,
                          payload_len - c->out_off);
                if (n < 0 && errno != EAGAIN) {
                    die("write");
                }
                if (n > 0) {
                    c->out_off += (size_t) n;
                }
            }

            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }

            n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
            if (n <= 0) {
                if (n < 0 && errno == EAGAIN) {
                    continue;
                }
                die("read");
            }
            c->in_len += (size_t) n;

            /* complete replies leave the buffer */
            for ( ;; ) {
                k = resp_skip(c->in, c->in + c->in_len, &error);
                if (k < 0) {
                    fprintf(stderr, "redis_tx: malformed reply\n");
                    return 2;
                }
                if (k == 0) {
                    break;
                }
                memmove(c->in, c->in + k, c->in_len - (size_t) k);
                c->in_len -= (size_t) k;

                if (--c->replies == 0) {
                    lat[done++] = now() - c->started;
                    if (started < total) {
                        start_tx(c);
                        c->replies = replies;
                        started++;
                    }
                    break;
                }
            }
        }
    }

    t1 = now();

    qsort(lat, (size_t) total, sizeof(double), cmp_double);

    printf("transactions %ld seconds %.3f rps %.1f p50_ms %.3f p99_ms %.3f "
           "max_ms %.3f errors %d\n", total, t1 - t0, total / (t1 - t0),
           lat[total / 2] * 1e3, lat[(long) (total * 0.99)] * 1e3,
           lat[total - 1] * 1e3, error);

    return error ? 1 : 0;
}
