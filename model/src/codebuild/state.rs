//! CodeBuild's state: build projects per account and Region and the builds started from them,
//! with the typed changes the operations make. No CLI parameters, no output JSON, no
//! authorization.

use crate::regional::Regional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a project's source comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// `NO_SOURCE`, `S3`, `GITHUB`, `CODECOMMIT`...
    pub kind: String,
    /// The source's location, when its type has one.
    #[serde(default)]
    pub location: Option<String>,
    /// The inline buildspec (or its path); with `NO_SOURCE`, the commands a build runs.
    #[serde(default)]
    pub buildspec: Option<String>,
}

/// Where a project's builds put their output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifacts {
    /// `NO_ARTIFACTS`, `S3` or `CODEPIPELINE`.
    pub kind: String,
    /// The bucket, for `S3`.
    #[serde(default)]
    pub location: Option<String>,
}

/// The build environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// `LINUX_CONTAINER`, `ARM_CONTAINER`...
    pub kind: String,
    /// The Docker image (`aws/codebuild/standard:7.0`).
    pub image: String,
    /// `BUILD_GENERAL1_SMALL`...
    pub compute_type: String,
    /// Whether the build may run Docker itself.
    #[serde(default)]
    pub privileged_mode: bool,
}

/// One build started from a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// `PROJECT:UUID`.
    pub id: String,
    /// 1 for the project's first build, then one more each time.
    pub number: u64,
    /// When it started.
    pub started: i64,
    /// The buildspec it runs: the override it was started with, or the project's.
    #[serde(default)]
    pub buildspec: Option<String>,
}

/// One build project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Its name.
    pub name: String,
    /// The owner account.
    pub account: String,
    /// The Region.
    pub region: String,
    /// Its description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// Its source.
    pub source: Source,
    /// Its artifacts.
    pub artifacts: Artifacts,
    /// Its build environment.
    pub environment: Environment,
    /// The ARN of the role its builds run as.
    pub service_role: String,
    /// How long a build may run, in minutes (60 by default).
    pub timeout_minutes: i64,
    /// How long a build may wait in the queue, in minutes (480 by default).
    pub queued_timeout_minutes: i64,
    /// When it was created.
    pub created: i64,
    /// When it was last changed.
    pub modified: i64,
    /// The builds started from it, oldest first.
    #[serde(default)]
    pub builds: Vec<Build>,
}

impl Project {
    /// `arn:aws:codebuild:REGION:ACCOUNT:project/NAME`.
    pub fn arn(&self) -> String {
        arn(&self.region, &self.account, &self.name)
    }
}

/// The ARN of the project `name` of `account` in `region`.
pub fn arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:codebuild:{region}:{account}:project/{name}")
}

/// The projects of one account in one Region, by name.
pub type RegionProjects = BTreeMap<String, Project>;

/// CodeBuild's state: projects by account, then Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeBuild {
    /// Account ID → Region → name → project. An account without projects has no entry (one
    /// lookup answers that it has none).
    pub accounts: Regional<Project>,
}

impl CodeBuild {
    /// The projects of `account` in `region`, if it has any.
    pub fn region(&self, account: &str, region: &str) -> Option<&RegionProjects> {
        self.accounts.region(account, region)
    }

    /// The project `name` of `account` in `region`.
    pub fn project(&self, account: &str, region: &str, name: &str) -> Option<&Project> {
        self.accounts.get(account, region, name)
    }

    /// The project `name` of `account` in `region`, to change it.
    pub fn project_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut Project> {
        self.accounts.get_mut(account, region, name)
    }

    /// Adds `project`, replacing any of the same name in its account and Region.
    pub fn insert(&mut self, project: Project) {
        let (account, region, name) = (project.account.clone(), project.region.clone(), project.name.clone());
        self.accounts.insert(&account, &region, &name, project);
    }

    /// Removes the project `name` of `account` in `region` (with its builds); empty maps are
    /// removed too, so that an account without projects keeps no entry.
    pub fn remove(&mut self, account: &str, region: &str, name: &str) {
        self.accounts.remove(account, region, name);
    }

    /// Every project, in account, Region and name order.
    pub fn all(&self) -> impl Iterator<Item = &Project> {
        self.accounts.all()
    }
}

/// Whether `name` is a project name: 2 to 150 characters, letters, digits, `-` and `_`, starting
/// with a letter or digit (the model's pattern `[A-Za-z0-9][A-Za-z0-9\-_]{1,149}`).
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=150).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}
