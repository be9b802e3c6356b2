/* ytree.h — a tiny YAML-to-tree reader over libyaml's parser, for the
 * tests: the YAML the compiler writes is read back by an independent
 * parser and checked by key, index and scalar text. */
#ifndef YTREE_H
#define YTREE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef enum { Y_SCALAR, Y_SEQ, Y_MAP } YKind;

typedef struct YNode {
    YKind kind;
    char *s;              /* scalar text */
    bool plain;           /* scalar was unquoted */
    struct YNode **kids;  /* seq: items; map: key, value, key, value... */
    int n;                /* number of kids */
} YNode;

static inline void ytree_free(YNode *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++)
        ytree_free(t->kids[i]);
    free(t->kids);
    free(t->s);
    free(t);
}

/* Builds the node that starts with *ev (consumed); NULL on a parse error. */
static inline YNode *ytree_node(yaml_parser_t *p, yaml_event_t *ev)
{
    YNode *t = calloc(1, sizeof *t);
    if (ev->type == YAML_SCALAR_EVENT) {
        t->kind = Y_SCALAR;
        t->s = calloc(1, ev->data.scalar.length + 1);
        memcpy(t->s, ev->data.scalar.value, ev->data.scalar.length);
        t->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        yaml_event_delete(ev);
        return t;
    }
    yaml_event_type_t end;
    if (ev->type == YAML_SEQUENCE_START_EVENT)
        t->kind = Y_SEQ, end = YAML_SEQUENCE_END_EVENT;
    else if (ev->type == YAML_MAPPING_START_EVENT)
        t->kind = Y_MAP, end = YAML_MAPPING_END_EVENT;
    else {
        yaml_event_delete(ev);
        free(t);
        return NULL;
    }
    yaml_event_delete(ev);
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(p, &e)) {
            ytree_free(t);
            return NULL;
        }
        if (e.type == end) {
            yaml_event_delete(&e);
            return t;
        }
        YNode *k = ytree_node(p, &e);
        if (!k) {
            ytree_free(t);
            return NULL;
        }
        t->kids = realloc(t->kids, sizeof *t->kids * (size_t)(t->n + 1));
        t->kids[t->n++] = k;
    }
}

/* Parses one YAML document from text; NULL (and a message) if it is not
 * well-formed YAML. */
static inline YNode *ytree_parse(const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    YNode *root = NULL;
    yaml_event_t e;
    for (;;) {
        if (!yaml_parser_parse(&p, &e)) {
            fprintf(stderr, "ytree: YAML error: %s at %zu:%zu\n", p.problem ? p.problem : "?",
                    p.problem_mark.line + 1, p.problem_mark.column + 1);
            ytree_free(root);
            root = NULL;
            break;
        }
        yaml_event_type_t type = e.type;
        if (type == YAML_SCALAR_EVENT || type == YAML_SEQUENCE_START_EVENT ||
            type == YAML_MAPPING_START_EVENT) {
            if (root) { /* a second document */
                yaml_event_delete(&e);
                ytree_free(root);
                root = NULL;
                break;
            }
            root = ytree_node(&p, &e);
            if (!root)
                break;
            continue;
        }
        yaml_event_delete(&e);
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return root;
}

static inline YNode *yget(const YNode *m, const char *key)
{
    if (!m || m->kind != Y_MAP)
        return NULL;
    for (int i = 0; i + 1 < m->n; i += 2)
        if (m->kids[i]->kind == Y_SCALAR && strcmp(m->kids[i]->s, key) == 0)
            return m->kids[i + 1];
    return NULL;
}

static inline YNode *yat(const YNode *s, int i)
{
    if (!s || s->kind != Y_SEQ || i < 0 || i >= s->n)
        return NULL;
    return s->kids[i];
}

/* "a/b/0/c": keys of mappings and indices of sequences. */
static inline YNode *ypath(const YNode *t, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    YNode *cur = (YNode *)t;
    for (char *tok = strtok(buf, "/"); tok && cur; tok = strtok(NULL, "/")) {
        if (cur->kind == Y_SEQ)
            cur = yat(cur, atoi(tok));
        else
            cur = yget(cur, tok);
    }
    return cur;
}

/* Scalar text at path, or NULL. */
static inline const char *ystr(const YNode *t, const char *path)
{
    YNode *n = ypath(t, path);
    return n && n->kind == Y_SCALAR ? n->s : NULL;
}

/* Plain integer at path; -999 if absent or not a plain integer. */
static inline long long yint(const YNode *t, const char *path)
{
    YNode *n = ypath(t, path);
    if (!n || n->kind != Y_SCALAR || !n->plain || !n->s[0])
        return -999;
    char *end;
    long long v = strtoll(n->s, &end, 10);
    return *end ? -999 : v;
}

#endif
