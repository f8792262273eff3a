//! The Sentinel and Cluster URL forms, which name several hosts and so are
//! not URLs the `url` crate (or the `redis` crate) can parse:
//!
//! - `redis+sentinel://[user:password@]host1:26379,host2:26379/<master>[/<db>]`
//!   `[?sentinel_username=…&sentinel_password=…]`: the sentinels to ask for
//!   the master named `<master>` (their `sentinel monitor <master> …`). The
//!   `user:password` is the data nodes' (master and replicas); sentinels
//!   with a `requirepass` of their own get theirs from the query. A port
//!   left out is 26379.
//! - `redis+cluster://[user:password@]host1:6379,host2:6379[/0]`: seed
//!   nodes of a Redis Cluster (any reachable one tells where the others
//!   are). A port left out is 6379. A Cluster has only database 0.
//! - `rediss+sentinel://`, `rediss+cluster://`: the same over TLS (every
//!   node, sentinels included, checked against the system's roots).
//!
//! Everything in the user info, the master's name and the query is
//! percent-decoded, as in a `redis://` URL.

use percent_encoding::percent_decode_str;

pub const DEFAULT_SENTINEL_PORT: u16 = 26379;
pub const DEFAULT_CLUSTER_PORT: u16 = 6379;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HaKind {
    Sentinel,
    Cluster,
}

/// A parsed `redis+sentinel://` or `redis+cluster://` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct HaAddress {
    pub kind: HaKind,
    pub tls: bool,
    /// The data nodes' credentials.
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sentinels (Sentinel) or the seed nodes (Cluster).
    pub nodes: Vec<(String, u16)>,
    /// Sentinel only: the monitored master's name.
    pub master: Option<String>,
    pub db: i64,
    /// Sentinel only: the sentinels' own credentials.
    pub sentinel_username: Option<String>,
    pub sentinel_password: Option<String>,
}

impl HaAddress {
    /// `None` when `url` is not one of the Sentinel or Cluster schemes;
    /// else the address, or what is wrong with it (for `store.url`).
    pub fn parse(url: &str) -> Option<Result<HaAddress, String>> {
        let (scheme, rest) = url.split_once("://")?;
        let (kind, tls) = match scheme.to_ascii_lowercase().as_str() {
            "redis+sentinel" => (HaKind::Sentinel, false),
            "rediss+sentinel" => (HaKind::Sentinel, true),
            "redis+cluster" => (HaKind::Cluster, false),
            "rediss+cluster" => (HaKind::Cluster, true),
            _ => return None,
        };
        Some(parse(kind, tls, rest))
    }

    /// The URL with both passwords replaced by `***`: for logs.
    pub fn redacted(&self) -> String {
        let scheme = match (self.kind, self.tls) {
            (HaKind::Sentinel, false) => "redis+sentinel",
            (HaKind::Sentinel, true) => "rediss+sentinel",
            (HaKind::Cluster, false) => "redis+cluster",
            (HaKind::Cluster, true) => "rediss+cluster",
        };
        let mut shown = format!("{scheme}://");
        match (&self.username, &self.password) {
            (user, Some(_)) => {
                shown.push_str(user.as_deref().unwrap_or(""));
                shown.push_str(":***@");
            }
            (Some(user), None) => {
                shown.push_str(user);
                shown.push('@');
            }
            (None, None) => {}
        }
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|(host, port)| {
                if host.contains(':') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                }
            })
            .collect();
        shown.push_str(&nodes.join(","));
        if let Some(master) = &self.master {
            shown.push('/');
            shown.push_str(master);
        }
        shown.push('/');
        shown.push_str(&self.db.to_string());
        let mut query = Vec::new();
        if let Some(user) = &self.sentinel_username {
            query.push(format!("sentinel_username={user}"));
        }
        if self.sentinel_password.is_some() {
            query.push("sentinel_password=***".to_owned());
        }
        if !query.is_empty() {
            shown.push('?');
            shown.push_str(&query.join("&"));
        }
        shown
    }
}

/// Never shows the passwords (`StoreSettings`' Debug relies on it).
impl std::fmt::Debug for HaAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn decode(text: &str, what: &str) -> Result<String, String> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| format!("{what} is not UTF-8 once percent-decoded"))
}

fn parse(kind: HaKind, tls: bool, rest: &str) -> Result<HaAddress, String> {
    if rest.contains('#') {
        return Err("a Redis URL has no #fragment".into());
    }
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => (Some(userinfo), hosts),
        None => (None, authority),
    };
    let (username, password) = userinfo.map(credentials).transpose()?.unwrap_or_default();
    let nodes = nodes(kind, hosts)?;
    let (master, db) = master_and_db(kind, path)?;
    let (sentinel_username, sentinel_password) = sentinel_credentials(kind, query)?;
    Ok(HaAddress {
        kind,
        tls,
        username,
        password,
        nodes,
        master,
        db,
        sentinel_username,
        sentinel_password,
    })
}

/// `user:password` (either may be empty), percent-decoded.
fn credentials(info: &str) -> Result<(Option<String>, Option<String>), String> {
    let (user, password) = match info.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (info, None),
    };
    let user = Some(decode(user, "the user name")?).filter(|u| !u.is_empty());
    let password = password
        .map(|p| decode(p, "the password"))
        .transpose()?
        .filter(|p| !p.is_empty());
    Ok((user, password))
}

/// `host1:port,host2` (the kind's default port where none is given).
fn nodes(kind: HaKind, hosts: &str) -> Result<Vec<(String, u16)>, String> {
    let (what, default_port, example) = match kind {
        HaKind::Sentinel => (
            "sentinel",
            DEFAULT_SENTINEL_PORT,
            "redis+sentinel://host1:26379,host2:26379/<master name>",
        ),
        HaKind::Cluster => (
            "cluster",
            DEFAULT_CLUSTER_PORT,
            "redis+cluster://host1:6379,host2:6379",
        ),
    };
    let nodes = hosts
        .split(',')
        .filter(|h| !h.is_empty())
        .map(|host| host_port(host, default_port))
        .collect::<Result<Vec<_>, String>>()?;
    if nodes.is_empty() {
        return Err(format!("no {what} host: write {example}"));
    }
    Ok(nodes)
}

/// The path: `/<master name>[/<db>]` for sentinels, nothing (or `/0`) for a cluster.
fn master_and_db(kind: HaKind, path: &str) -> Result<(Option<String>, i64), String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match (kind, segments.as_slice()) {
        (HaKind::Sentinel, []) => Err(
            "no master name: write redis+sentinel://host:26379/<master name>, \
             the name the sentinels monitor"
                .into(),
        ),
        (HaKind::Sentinel, [master]) => Ok((Some(decode(master, "the master name")?), 0)),
        (HaKind::Sentinel, [master, db]) => {
            Ok((Some(decode(master, "the master name")?), database(db)?))
        }
        (HaKind::Sentinel, _) => Err("path must be /<master name> or /<master name>/<db>".into()),
        (HaKind::Cluster, [] | ["0"]) => Ok((None, 0)),
        (HaKind::Cluster, _) => {
            Err("a Redis Cluster has only database 0: no path after the hosts".into())
        }
    }
}

/// The query: the sentinels' own credentials, nothing else.
fn sentinel_credentials(
    kind: HaKind,
    query: Option<&str>,
) -> Result<(Option<String>, Option<String>), String> {
    let mut username = None;
    let mut password = None;
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = Some(value.into_owned()).filter(|v| !v.is_empty());
        match (kind, name.as_ref()) {
            (HaKind::Sentinel, "sentinel_username") => username = value,
            (HaKind::Sentinel, "sentinel_password") => password = value,
            (HaKind::Sentinel, other) => {
                return Err(format!(
                    "unknown parameter {other:?}: only sentinel_username and sentinel_password"
                ));
            }
            (HaKind::Cluster, other) => {
                return Err(format!(
                    "unknown parameter {other:?}: a cluster URL takes none"
                ));
            }
        }
    }
    Ok((username, password))
}

fn database(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .ok()
        .filter(|db| *db >= 0)
        .ok_or_else(|| format!("database {text:?} is not a number (0, 1, …)"))
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn host_port(text: &str, default_port: u16) -> Result<(String, u16), String> {
    let (host, port) = if let Some(v6) = text.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("host {text:?}: no closing ]"))?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("host {text:?}: expected :port after ]")),
            },
        }
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err(format!("host {text:?}: no host name"));
    }
    let port = match port {
        None => default_port,
        Some(port) => port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("host {text:?}: port {port:?} is not a port number"))?,
    };
    Ok((host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(url: &str) -> HaAddress {
        HaAddress::parse(url).expect("an HA scheme").expect("valid")
    }

    fn problem(url: &str) -> String {
        HaAddress::parse(url)
            .expect("an HA scheme")
            .expect_err("invalid")
    }

    #[test]
    fn a_sentinel_url_names_its_sentinels_master_database_and_both_credentials() {
        let a = parsed(
            "redis+sentinel://app:p%40ss@s1.internal,s2.internal:26380,[::1]:26381/mymaster/2\
             ?sentinel_password=s%26cret&sentinel_username=watch",
        );
        assert_eq!(a.kind, HaKind::Sentinel);
        assert!(!a.tls);
        assert_eq!(a.username.as_deref(), Some("app"));
        assert_eq!(a.password.as_deref(), Some("p@ss"));
        assert_eq!(
            a.nodes,
            [
                ("s1.internal".to_owned(), 26379),
                ("s2.internal".to_owned(), 26380),
                ("::1".to_owned(), 26381)
            ]
        );
        assert_eq!(a.master.as_deref(), Some("mymaster"));
        assert_eq!(a.db, 2);
        assert_eq!(a.sentinel_username.as_deref(), Some("watch"));
        assert_eq!(a.sentinel_password.as_deref(), Some("s&cret"));
        let shown = format!("{a:?}");
        assert_eq!(
            shown,
            "redis+sentinel://app:***@s1.internal:26379,s2.internal:26380,[::1]:26381\
             /mymaster/2?sentinel_username=watch&sentinel_password=***"
        );
        assert!(parsed("rediss+sentinel://s1/m").tls);
    }

    #[test]
    fn a_cluster_url_names_its_seed_nodes() {
        let a = parsed("rediss+cluster://:pw@n1:7000,n2");
        assert_eq!(a.kind, HaKind::Cluster);
        assert!(a.tls);
        assert_eq!((a.username, a.password.as_deref()), (None, Some("pw")));
        assert_eq!(
            a.nodes,
            [
                ("n1".to_owned(), 7000),
                ("n2".to_owned(), DEFAULT_CLUSTER_PORT)
            ]
        );
        assert_eq!(a.master, None);
        assert_eq!(parsed("redis+cluster://n1/0").db, 0);
        assert_eq!(
            parsed("redis+cluster://u:pw@n1:7000").redacted(),
            "redis+cluster://u:***@n1:7000/0"
        );
    }

    #[test]
    fn other_schemes_are_not_parsed_here_and_mistakes_are_explained() {
        assert!(HaAddress::parse("redis://h:6379").is_none());
        assert!(HaAddress::parse("redis+unix:///run/redis.sock").is_none());
        assert!(problem("redis+sentinel:///m").contains("no sentinel host"));
        assert!(problem("redis+sentinel://s1:26379").contains("no master name"));
        assert!(problem("redis+sentinel://s1:26379/").contains("no master name"));
        assert!(problem("redis+sentinel://s1/m/x").contains("not a number"));
        assert!(problem("redis+sentinel://s1/m/0/x").contains("path must be"));
        assert!(problem("redis+sentinel://s1:port/m").contains("not a port number"));
        assert!(problem("redis+sentinel://s1/m?password=x").contains("unknown parameter"));
        assert!(problem("redis+cluster://").contains("no cluster host"));
        assert!(problem("redis+cluster://n1/1").contains("only database 0"));
        assert!(problem("redis+cluster://n1:0").contains("not a port number"));
        assert!(problem("redis+cluster://[::1/").contains("no closing ]"));
        assert!(problem("redis+cluster://n1?x=1").contains("takes none"));
    }
}
