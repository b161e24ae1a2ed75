//! The simulation's merchant, gateway faults, kills and judge. The merchant also hosts the
//! `notifyPayment` webhook: the gateway notifies each payment it makes, and the handler hands
//! the notification to a resolver of its own (`settle_from`), racing the payment's resolver,
//! its kills and the resumer, as a webhook process would.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use alipayhk::runtime::notifications::Delivery;
use alipayhk::runtime::resolve::{
    Evidence, IntentKey, IntentStore, Outcome, ResolvePolicy, Resolver, Settlement,
    SqliteIntentStore,
};
use alipayhk::runtime::{ResultInfo, ResultStatus};
use alipayhk::webhooks::Webhooks;
use alipayhk::{NotifyPaymentRequest, NotifyPaymentResponse, PayRequest};
use alipayhk::{PaymentAmount, PaymentMethod, PaymentMethodType, PaymentOrder, PaymentProductCode};
use alipayhk_gateway::{Fault, PaymentState};
use tokio::sync::Semaphore;

use super::support::{CLIENT_ID, Fixture, fixture};

/// How long a payment that is "processing for too long" stays so: past the deadline, so it
/// must be cancelled, and waited out before judging, so a cancel that did not happen shows.
const LONG_PROCESSING_MS: u64 = 2_500;

/// What the merchant was told about one order, in the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Told {
    Paid,
    NotPaid,
    Unknown,
}

/// The counts the simulation prints, and what broke.
#[derive(Debug, Default)]
pub struct Tally {
    pub payments: usize,
    pub paid: usize,
    pub cancelled: usize,
    pub failed: usize,
    pub unknown: usize,
    pub paid_twice: usize,
    pub told_wrong: usize,
    pub kills: usize,
    pub notified: usize,
    pub problems: Vec<String>,
}

impl Tally {
    pub fn is_clean(&self) -> bool {
        self.unknown == 0 && self.paid_twice == 0 && self.told_wrong == 0
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "payments {}: paid {}, cancelled {}, unknown {}, paid twice {}, kills {} (failed {}, told wrong {}, settled by notification {})",
            self.payments,
            self.paid,
            self.cancelled,
            self.unknown,
            self.paid_twice,
            self.kills,
            self.failed,
            self.told_wrong,
            self.notified
        )
    }
}

/// xorshift64*: the faults' and kills' choices, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// One attempt's plan: the fault its payment meets, and when (if) its resolver is killed.
#[derive(Debug, Clone)]
struct Plan {
    fault: Option<(Fault, Option<u32>)>,
    kill_after: Option<Duration>,
}

fn unknown() -> Fault {
    Fault::Result {
        code: "UNKNOWN_EXCEPTION".into(),
        status: "U".into(),
        message: None,
    }
}

fn plan(rng: &mut Rng, kill_percent: u64) -> Plan {
    let fault = match rng.below(100) {
        0..35 => None,
        35..45 => Some((
            Fault::After {
                code: "UNKNOWN_EXCEPTION".into(),
                status: "U".into(),
                message: None,
            },
            Some(1),
        )),
        45..55 => Some((Fault::Delay { millis: 500 }, Some(1))),
        55..65 => Some((Fault::Drop, Some(1))),
        65..75 => Some((unknown(), Some(1))),
        75..85 => Some((Fault::Processing { millis: 150 }, Some(1))),
        85..93 => Some((
            Fault::Processing {
                millis: LONG_PROCESSING_MS,
            },
            Some(1),
        )),
        // A short outage of every call about this payment: pay, inquiries and cancels.
        _ => Some((unknown(), Some(6))),
    };
    let kill_after = (rng.below(100) < kill_percent).then(|| Duration::from_millis(rng.below(600)));
    Plan { fault, kill_after }
}

pub struct Simulation {
    f: Arc<Fixture>,
    payments: usize,
    plans: Vec<[Plan; 2]>,
    dir: tempfile::TempDir,
    kills: Arc<AtomicUsize>,
    notified: Arc<AtomicUsize>,
    /// The merchant's webhook base URL, the `paymentNotifyUrl` of every payment.
    notify_url: String,
}

/// The merchant's webhook process: its own connection to the intent store.
struct Till {
    resolver: Resolver<SqliteIntentStore>,
}

impl Webhooks for Till {
    async fn notify_payment(
        &self,
        notice: NotifyPaymentRequest,
        _delivery: Delivery,
    ) -> Result<NotifyPaymentResponse, ResultInfo> {
        self.resolver.settle_from(&notice).await.map_err(|e| {
            ResultInfo::new("UNKNOWN_EXCEPTION", ResultStatus::Unknown, e.to_string())
        })?;
        let recorded = ResultInfo::new("SUCCESS", ResultStatus::Success, "recorded");
        Ok(NotifyPaymentResponse::new(recorded))
    }
}

impl Simulation {
    /// `kill_percent` of the attempts have their resolver killed at a random point.
    pub async fn new(payments: usize, seed: u64, kill_percent: u64) -> Self {
        let mut rng = Rng(seed | 1);
        let plans = (0..payments)
            .map(|_| [plan(&mut rng, kill_percent), plan(&mut rng, kill_percent)])
            .collect();
        let mut sim = Self {
            f: Arc::new(fixture().await),
            payments,
            plans,
            dir: tempfile::tempdir().unwrap(),
            kills: Arc::default(),
            notified: Arc::default(),
            notify_url: String::new(),
        };
        sim.notify_url = sim.webhook().await;
        sim
    }

    /// Starts the merchant's webhook on a free loopback port; its base URL.
    async fn webhook(&self) -> String {
        let till = Arc::new(Till {
            resolver: self.resolver(),
        });
        self.f.serve_webhooks(till).await
    }

    /// A store connection of its own: each resolver is a process of the merchant's.
    fn store(&self) -> SqliteIntentStore {
        SqliteIntentStore::open(self.dir.path().join("intents.db"))
            .unwrap()
            .with_lease(Duration::from_secs(1))
    }

    fn resolver(&self) -> Resolver<SqliteIntentStore> {
        let client = self
            .f
            .builder()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        Resolver::new(client, self.store())
            .policy(ResolvePolicy {
                deadline: Duration::from_millis(1200),
                // Twice the window it needs on an idle machine: the outage fault answers `U`
                // to the next six calls about a payment, whatever the time, so on a loaded
                // machine (fewer, slower cancels) a 1.5 s window could see only `U`s.
                cancel_window: Duration::from_millis(3000),
                initial_backoff: Duration::from_millis(20),
                max_backoff: Duration::from_millis(100),
            })
            .register::<PayRequest>()
    }

    fn pay(&self, request_id: &str) -> PayRequest {
        let amount = || PaymentAmount::new().currency("HKD").value("1200");
        let code = self
            .f
            .gateway
            .issue_payment_code("2160220000000002", "ALIPAY_HK");
        PayRequest::new(
            PaymentOrder::new()
                .reference_order_id(request_id.to_owned())
                .order_description("Coffee")
                .order_amount(amount()),
        )
        .acquirer_id("ACQUIRER")
        .psp_id("PSP")
        .product_code(PaymentProductCode::InStorePayment)
        .payment_request_id(request_id)
        .payment_amount(amount())
        .payment_method(
            PaymentMethod::new()
                .payment_method_type(PaymentMethodType::ConnectWallet)
                .payment_method_id(code),
        )
        .payment_notify_url(self.notify_url.clone())
    }

    pub async fn run(self) -> Tally {
        let sim = Arc::new(self);
        let stop = Arc::new(AtomicBool::new(false));
        let resumer = tokio::spawn(resume_until(sim.clone(), stop.clone()));
        let gate = Arc::new(Semaphore::new(48));
        let mut orders = Vec::new();
        for order in 0..sim.payments {
            let (sim, gate) = (sim.clone(), gate.clone());
            orders.push(tokio::spawn(async move {
                let _slot = gate.acquire().await.unwrap();
                sim.order(order).await
            }));
        }
        let mut told = Vec::new();
        for order in orders {
            told.push(order.await.unwrap());
        }
        stop.store(true, Ordering::SeqCst);
        resumer.await.unwrap();
        // Every payment still processing becomes paid unless it was cancelled: wait it out.
        tokio::time::sleep(Duration::from_millis(LONG_PROCESSING_MS + 500)).await;
        sim.judge(&told)
    }

    /// One order, as a shop runs it: paid ships; failed or cancelled asks the user to pay once
    /// more with a new `paymentRequestId`; anything else is left unknown.
    async fn order(&self, order: usize) -> (Told, Vec<String>, Vec<&'static str>) {
        let mut ids = Vec::new();
        let mut ends = Vec::new();
        for attempt in 0..2 {
            let id = format!("O{order}-A{attempt}");
            ids.push(id.clone());
            let plan = self.plans[order][attempt].clone();
            if let Some((fault, times)) = plan.fault {
                self.f.gateway.faults().script(&id, fault, times);
            }
            let end = self.attempt(&id, plan.kill_after).await;
            ends.push(end);
            match end {
                "paid" => return (Told::Paid, ids, ends),
                "cancelled" | "failed" | "not sent" => continue,
                _ => return (Told::Unknown, ids, ends),
            }
        }
        (Told::NotPaid, ids, ends)
    }

    /// One payment: its resolver runs, and may be killed; a killed one's outcome is what the
    /// resumer settles, read back from the store as a restarted merchant would.
    async fn attempt(&self, id: &str, kill_after: Option<Duration>) -> &'static str {
        let resolver = self.resolver();
        let request = self.pay(id);
        let run = tokio::spawn(async move { resolver.execute(&request).await });
        let outcome = match kill_after {
            Some(after) => {
                tokio::time::sleep(after).await;
                if run.is_finished() {
                    run.await.ok()
                } else {
                    run.abort();
                    self.kills.fetch_add(1, Ordering::SeqCst);
                    None
                }
            }
            None => run.await.ok(),
        };
        if let Some(Ok(Outcome::Done(Evidence::Notified(_)))) = &outcome {
            self.notified.fetch_add(1, Ordering::SeqCst);
        }
        match outcome {
            Some(Ok(Outcome::Done(_))) => "paid",
            Some(Ok(Outcome::Cancelled)) => "cancelled",
            Some(Ok(Outcome::Failed { .. })) => "failed",
            Some(Ok(Outcome::Unresolved(u))) => {
                // Why, for the failure's report: a check that fails must say what it saw.
                eprintln!("{id}: unresolved: {}", u.reason);
                "unresolved"
            }
            Some(Err(error)) => panic!("{id}: a valid payment was refused: {error}"),
            None => self.settled_by_resumer(id).await,
        }
    }

    async fn settled_by_resumer(&self, id: &str) -> &'static str {
        let store = self.store();
        let key = IntentKey::new(CLIENT_ID, "pay", &[id]);
        for poll in 0..400 {
            match store.get(&key).await.ok().flatten() {
                Some(record) => match record.settlement {
                    Some(Settlement::Done(_)) => return "paid",
                    Some(Settlement::Cancelled) => return "cancelled",
                    Some(Settlement::Failed(_)) => return "failed",
                    Some(Settlement::Unresolved(reason)) => {
                        eprintln!("{id}: unresolved by a resumer: {reason}");
                        return "unresolved";
                    }
                    None => {}
                },
                // Killed before its intent was written: it was never sent. A write already on
                // its way to the database when the task died lands within a moment.
                None if poll >= 10 => return "not sent",
                None => {}
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        "unsettled"
    }

    fn judge(&self, told: &[(Told, Vec<String>, Vec<&'static str>)]) -> Tally {
        let mut tally = Tally {
            payments: self.payments,
            kills: self.kills.load(Ordering::SeqCst),
            notified: self.notified.load(Ordering::SeqCst),
            ..Tally::default()
        };
        for (order, (told, ids, ends)) in told.iter().enumerate() {
            let paid = ids
                .iter()
                .filter(|id| {
                    self.f.gateway.payment(id).map(|p| p.state) == Some(PaymentState::Paid)
                })
                .count();
            tally.cancelled += ends.iter().filter(|e| **e == "cancelled").count();
            tally.failed += ends.iter().filter(|e| **e == "failed").count();
            match told {
                Told::Paid => tally.paid += 1,
                Told::Unknown => {
                    tally.unknown += 1;
                    tally
                        .problems
                        .push(format!("order {order}: left unknown ({ends:?})"));
                }
                Told::NotPaid => {}
            }
            if paid > 1 {
                tally.paid_twice += 1;
                tally
                    .problems
                    .push(format!("order {order}: paid {paid} times ({ends:?})"));
            }
            let truly_paid = paid > 0;
            if *told != Told::Unknown && truly_paid != (*told == Told::Paid) {
                tally.told_wrong += 1;
                tally.problems.push(format!(
                    "order {order}: told {told:?}, but the gateway has it paid {paid} times ({ends:?})"
                ));
            }
        }
        tally
    }
}

/// A restarted merchant process, over and over: a new resolver on its own connection, taking
/// over whatever the killed ones left.
async fn resume_until(sim: Arc<Simulation>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        let resolver = sim.resolver();
        if let Err(error) = resolver.resume().await {
            eprintln!("resume failed: {error}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
